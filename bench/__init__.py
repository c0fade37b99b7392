"""Benchmarks at province scale (issue 9): ``python -m bench.run --scale 1.0``.

- ``bench.dataset``: builds the province-scale dataset with bulk inserts (COPY on PostgreSQL).
- ``bench.figures``: one module per figure family; each returns figure lines.
- ``bench.run``: the command; prints one JSON line per figure and writes bench/results/.
- ``bench.loadtest``: gunicorn + wrk against the public rating form and a bare view.

Never imported by the platform itself. See docs/performance.md.
"""
