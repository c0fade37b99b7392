"""A scored quarter: unit A (branches A1, A2) and unit B (branch B1), six items, one per
六实 standard, 10 points each.

A1 scores 9 on every item (54), A2 scores 8 (48): unit A = mean of its branches = 51.00.
B1 scores 7 (42): unit B = 42.00. So A ranks 1st, B 2nd; each is 1st in its category.
"""

import datetime as dt
import shutil
import subprocess
from decimal import Decimal

import pytest

from assessment.models import (
    Goal,
    NegativeListEntry,
    Period,
    Rectification,
    Standard,
    Submission,
    SubmissionEvent,
)
from tests.factories import (
    AnnualPlanFactory,
    DimensionFactory,
    IndicatorFactory,
    IndicatorSystemFactory,
    PeriodFactory,
)

GOALS = [
    Goal.POLITICS,
    Goal.POLITICS,
    Goal.RESPONSIBILITY,
    Goal.EFFICIENCY,
    Goal.DISCIPLINE,
    Goal.EFFICIENCY,
]


@pytest.fixture
def plan(db):
    return AnnualPlanFactory(year=2024)


@pytest.fixture
def q1(plan):
    period = PeriodFactory(plan=plan, kind=Period.Kind.Q1)
    Period.objects.filter(pk=period.pk).update(status=Period.Status.CLOSED)
    period.refresh_from_db()
    return period


@pytest.fixture
def items(plan):
    system = IndicatorSystemFactory(plan=plan)
    result = []
    for position, (standard, goal) in enumerate(zip(Standard, GOALS, strict=True)):
        dimension = DimensionFactory(system=system, standard=standard, code=f"D{position}")
        result.append(
            IndicatorFactory(
                system=system,
                parent=dimension,
                code=f"{position + 1}.1",
                name=f"{standard.label}落实情况",
                standard=standard,
                goal=goal,
                max_score=Decimal("10"),
                position=position,
            )
        )
    return result


def _accept(period, indicator, branch, score, comment=""):
    return Submission.objects.create(
        period=period,
        indicator=indicator,
        unit=branch.unit,
        branch=branch,
        status=Submission.Status.ACCEPTED,
        self_score=Decimal(score) + 1,
        reviewer_score=Decimal(score),
        reviewer_comment=comment,
        narrative="按要求完成",
    )


@pytest.fixture
def scored(world, q1, items, committee):
    for indicator in items:
        _accept(q1, indicator, world["a1"], 9, "材料齐全，成效明显")
        _accept(q1, indicator, world["a2"], 8)
        _accept(q1, indicator, world["b1"], 7)
    returned = Submission.objects.get(period=q1, indicator=items[0], branch=world["a1"])
    SubmissionEvent.objects.create(
        submission=returned,
        by=committee,
        action="return",
        from_status=Submission.Status.SUBMITTED,
        to_status=Submission.Status.RETURNED,
        reason="佐证材料缺少会议记录",
    )
    today = dt.date.today()
    for status, deadline in [
        (Rectification.Status.VERIFIED, today - dt.timedelta(days=30)),
        (Rectification.Status.ISSUED, today - dt.timedelta(days=3)),
        (Rectification.Status.ANSWERED, today + dt.timedelta(days=10)),
    ]:
        Rectification.objects.create(
            plan=q1.plan,
            unit=world["unit_b"],
            branch=world["b1"],
            problem="三会一课记录不规范",
            deadline=deadline,
            status=status,
            issued_by=committee,
        )
    NegativeListEntry.objects.create(
        plan=q1.plan,
        unit=world["unit_b"],
        reason="违反中央八项规定精神被通报",
        effect=NegativeListEntry.Effect.DEDUCTION,
        points=Decimal("2"),
        created_by=committee,
    )
    return {**world, "period": q1, "items": items}


def pdf_text(content: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("needs poppler-utils (pdftotext): apt-get install poppler-utils")
    path = tmp_path / "out.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_fonts(content: bytes, tmp_path) -> str:
    if not shutil.which("pdffonts"):
        pytest.skip("needs poppler-utils (pdffonts): apt-get install poppler-utils")
    path = tmp_path / "fonts.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
