"""Profile the figures that miss their target, with pyinstrument, on the bench database as
``make bench`` left it: ``python -m bench.profile [recompute|review|import|dashboard|form]``.

Writes bench/results/profile-<name>.txt (the call tree) and prints the top of it.
"""

from __future__ import annotations

import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def _dataset():
    from assessment.models import AnnualPlan, Period
    from bench.dataset import Dataset

    plan = AnnualPlan.objects.order_by("year").first()
    periods = {p.kind: p.pk for p in Period.objects.filter(plan=plan)}
    return Dataset(scale=1.0, plan_id=plan.pk, period_ids=periods)


def recompute(ds):
    from assessment.models import AnnualPlan
    from assessment.scoring.engine import recompute_plan

    recompute_plan(AnnualPlan.objects.get(pk=ds.plan_id))


def review(ds):
    from assessment.models import Submission
    from assessment.scoring.engine import recompute_for_submission

    pk = (
        Submission.objects.filter(period_id=ds.period_ids["q4"], status="accepted")
        .values_list("pk", flat=True)
        .first()
    )
    recompute_for_submission(pk)


def imports(ds, rows=2000):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bench.figures.imports import survey_xlsx
    from feedback.services.importing import import_survey
    from units.models import Unit, User

    content = survey_xlsx(list(Unit.objects.values_list("slug", flat=True)), rows)
    import_survey(
        SimpleUploadedFile("s.xlsx", content),
        batch="profile",
        user=User.objects.get(username=ds.committee),
    )


def dashboard(ds):
    from bench.figures.pages import client_for

    client = client_for(ds)
    for _i in range(3):
        client.get("/dashboard/")


def form(ds):
    from django.test import Client

    from units.models import Unit

    client = Client(SERVER_NAME="localhost", enforce_csrf_checks=False)
    slugs = list(Unit.objects.order_by("pk").values_list("slug", flat=True)[:50])
    for n in range(200):
        client.post(f"/rate/{slugs[n % len(slugs)]}/", {"level": "satisfied", "comment": ""})


TARGETS = {
    "recompute": recompute,
    "review": review,
    "import": imports,
    "dashboard": dashboard,
    "form": form,
}


def main(argv=None):
    import os

    from pyinstrument import Profiler

    from bench.run import setup_django

    # One client address for every post: lift the per-source limit as the load test does.
    os.environ.setdefault("FEEDBACK_RATE_LIMIT", "1000000000")
    argv = sys.argv[1:] if argv is None else argv
    names = argv or list(TARGETS)
    setup_django()
    ds = _dataset()
    RESULTS.mkdir(exist_ok=True)
    for name in names:
        profiler = Profiler(interval=0.002)
        profiler.start()
        TARGETS[name](ds)
        profiler.stop()
        text = profiler.output_text(unicode=True, color=False, show_all=False)
        (RESULTS / f"profile-{name}.txt").write_text(text)
        print(f"===== {name}")
        print("\n".join(text.splitlines()[:60]))


if __name__ == "__main__":
    main()
