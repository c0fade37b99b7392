"""gunicorn's settings for every way the platform is served (Dockerfile, docker-compose.yml,
the benchmarks' load test, tests/faults): gunicorn reads this file from the working directory.
Anything here can still be overridden on the command line or through GUNICORN_CMD_ARGS."""

# Load the application once, in the master, before the workers are forked: a worker is ready
# the moment it exists (not after its own 1.5 s of imports, paid by the first requests it
# accepts while it boots), and the heap that config/wsgi.py froze out of the garbage
# collector's reach is shared by every worker instead of being copied into each.
preload_app = True
