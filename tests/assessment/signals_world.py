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

__all__ = ["sw"]

# Hand-made narratives: a report, the same with one sentence of four changed, and another
# branch's genuinely different report of the same kind of activity.
REPORT = (
    "本季度支部严格落实“三会一课”制度，召开支部党员大会1次、支委会3次、党小组会6次，书记讲党课1次。"
    "围绕学习贯彻党的二十届三中全会精神，组织集中学习4次，党员撰写心得体会18篇。"
    "开展“我为群众办实事”主题党日活动，走访联系社区困难群众12户，解决实际问题5件。"
    "支部对照问题清单逐项整改，整改完成率100%。"
)
ONE_SENTENCE_CHANGED = REPORT.replace(
    "走访联系社区困难群众12户，解决实际问题5件。", "到结对社区开展政策宣讲，发放宣传资料200余份。"
)
SAME_ACTIVITY_OTHER_BRANCH = (
    "本季度支部开展主题党日活动3次：4月组织党员到企业一线开展服务走访，协调解决企业用工难题；"
    "5月开展志愿服务，清理小区环境；6月联合社区开展反诈宣传，覆盖群众300余人。"
    "支部坚持“三会一课”，按时召开支委会和党小组会，党员参学率95%。"
)


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
