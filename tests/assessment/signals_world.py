"""A small world for the signals of formalism: 2026 Q1 (published) and Q2 (open), two
graded items, three branches in two units; `filed` files an item as a secretary would."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from assessment.models import Evidence, Period, Submission, SubmissionEvent
from tests.factories import (
    AnnualPlanFactory,
    DimensionFactory,
    IndicatorFactory,
    IndicatorSystemFactory,
    PeriodFactory,
)

from .test_formalism import ONE_SENTENCE_CHANGED, REPORT, SAME_ACTIVITY_OTHER_BRANCH

__all__ = ["sw"]


@pytest.fixture
def sw(world, secretary):
    plan = AnnualPlanFactory(year=2026)
    system = IndicatorSystemFactory(plan=plan)
    dim = DimensionFactory(system=system, code="D1")
    i1 = IndicatorFactory(parent=dim, code="I1", name="三会一课", weight=Decimal("50"))
    i2 = IndicatorFactory(parent=dim, code="I2", name="主题党日", weight=Decimal("50"))
    q1 = PeriodFactory(
        plan=plan,
        kind=Period.Kind.Q1,
        opens_on=dt.date(2026, 3, 15),
        deadline=dt.date(2026, 4, 10),
        status=Period.Status.PUBLISHED,
        system=system,
    )
    q2 = PeriodFactory(
        plan=plan,
        kind=Period.Kind.Q2,
        opens_on=dt.date(2026, 6, 15),
        deadline=dt.date(2026, 7, 10),
        status=Period.Status.OPEN,
        system=system,
    )
    return {**world, "plan": plan, "i1": i1, "i2": i2, "q1": q1, "q2": q2, "user": secretary}


def at(day, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def filed(w, period, branch, item, narrative="", *, self_score=None, when=None, files=()):
    submission = Submission.objects.create(
        period=period,
        indicator=item,
        branch=branch,
        unit=branch.unit,
        status=Submission.Status.SUBMITTED,
        narrative=narrative,
        self_score=self_score,
        submitted_at=when or at(period.opens_on + dt.timedelta(days=3)),
    )
    event = SubmissionEvent.objects.create(submission=submission, by=w["user"], action="submit")
    SubmissionEvent.objects.filter(pk=event.pk).update(at=submission.submitted_at)
    for name, sha in files:
        evidence = Evidence.objects.create(
            unit=branch.unit,
            branch=branch,
            period=period,
            file="evidence/x.pdf",
            original_name=name,
            content_type="application/pdf",
            size=10,
            sha256=sha,
            uploaded_by=w["user"],
        )
        submission.evidence.add(evidence)
    return submission
