"""Unit scorecard PDFs per second: the whole path (queries, charts, template, WeasyPrint)
against WeasyPrint alone rendering the same saved HTML. Prints JSON lines.

    DATABASE_URL=... .venv/bin/python bench/reports_bench.py [--rounds 3]

Runs against whatever database DATABASE_URL names (load the demo first); not part of
``make test``.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


def main():
    import django

    django.setup()
    from assessment.models import Period, Submission
    from reports import services
    from reports.pdf import html_to_pdf
    from units.models import Unit

    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    period = (
        Period.objects.filter(submissions__status=Submission.Status.ACCEPTED)
        .order_by("-pk")
        .first()
        or Period.objects.exclude(status=Period.Status.DRAFT).order_by("-pk").first()
    )
    units = list(Unit.objects.filter(active=True).order_by("name"))
    if period is None or not units:
        sys.exit("no period or units: run manage.py load_demo first")

    started = time.perf_counter()
    services.render_scorecard_pdf(period, units[0])  # warm up: fonts, templates, imports
    print(
        json.dumps(
            {"step": "first_pdf_in_process", "seconds": round(time.perf_counter() - started, 3)}
        )
    )

    htmls = [services.scorecard_html(period, unit) for unit in units]
    for round_no in range(1, args.rounds + 1):
        t0 = time.perf_counter()
        sizes = [len(services.render_scorecard_pdf(period, unit)) for unit in units]
        full = time.perf_counter() - t0
        t0 = time.perf_counter()
        for html in htmls:
            html_to_pdf(html)
        weasy = time.perf_counter() - t0
        print(
            json.dumps(
                {
                    "round": round_no,
                    "period": str(period),
                    "pdfs": len(units),
                    "scorecard_pdfs_per_s": round(len(units) / full, 2),
                    "weasyprint_only_pdfs_per_s": round(len(units) / weasy, 2),
                    "ms_per_pdf": round(1000 * full / len(units), 1),
                    "ms_per_pdf_weasyprint_only": round(1000 * weasy / len(units), 1),
                    "overhead_share": round((full - weasy) / full, 3),
                    "mean_pdf_kb": round(sum(sizes) / len(sizes) / 1024, 1),
                },
                ensure_ascii=False,
            )
        )


if __name__ == "__main__":
    main()
