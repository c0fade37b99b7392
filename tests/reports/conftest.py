"""A quarter scored by the engine: unit A (branches A1, A2) and unit B (branch B1), six
items of 10 points, each the only item of its dimension (one per 六实 standard, dimension
weight 100, so 100 points each).

A1 scores 9 on every item (6 × 90 = 540), A2 scores 8 (480): unit A = mean of its branches
= 510.00 of 600 (85 % → 良好), 85.00 per standard. B1 scores 7: unit B = 420.00 (70 % →
一般). So A ranks 1st, B 2nd; each is 1st in its category.

``submitted`` is the same world before the engine has run: it has no scores yet.
"""

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal

import pytest

from assessment.models import (
    Goal,
    NegativeListEntry,
    Period,
    Phase,
    Problem,
    Standard,
    Submission,
    SubmissionEvent,
)
from assessment.scoring import engine
from tests.assessment.scoring_world import K, L, accept, make_item
from tests.factories import (
    AnnualPlanFactory,
    CycleFactory,
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
def submitted(world, q1, items, committee):
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
        (Problem.Status.VERIFIED, today - dt.timedelta(days=30)),
        (Problem.Status.OPEN, today - dt.timedelta(days=3)),
        (Problem.Status.ANSWERED, today + dt.timedelta(days=10)),
    ]:
        Problem.objects.create(
            unit=world["unit_b"],
            branch=world["b1"],
            source=Problem.Source.REVIEW,
            description="三会一课记录不规范",
            found_on=dt.date(q1.plan.year, 3, 1),
            deadline=deadline,
            status=status,
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


@pytest.fixture
def scored(submitted):
    engine.recompute_period(submitted["period"])
    return submitted


@pytest.fixture
def three_years(world):
    """Cycle 2030–2032. Each year one unit-level item (10 points, the whole 100-point
    dimension) in Q1 and an annual period whose total is the Q1 rate (weights: quarters 1,
    exam 0, satisfaction 0); both closed, scored by the engine.

    Unit A scores 9 every year: 90.00 a year, mean 90.00 ≥ the 良好 line 80 → candidate.
    Unit B scores 10 every year: 100.00, mean 100.00, ranks 1st, but a veto in 2031
    excludes it from the selection.
    """
    cycle = CycleFactory(start_year=2030)
    annuals = []
    for offset in range(3):
        plan = AnnualPlanFactory(
            year=2030 + offset,
            cycle=cycle,
            phase=Phase.values[offset],
            weight_quarterly=Decimal("1"),
            weight_exam=Decimal("0"),
            weight_satisfaction=Decimal("0"),
        )
        system = IndicatorSystemFactory(plan=plan)
        dim = make_item(
            system, None, "D", K.DIMENSION, max_score=100, weight=100, standard=Standard.BELIEF
        )
        item = make_item(system, dim, "U", K.GRADED, max_score=10, weight=100, level=L.UNIT)
        veto = make_item(system, dim, "V", K.VETO, level=L.UNIT, position=1)
        q1 = PeriodFactory(plan=plan, kind=Period.Kind.Q1, system=system)
        annuals.append(
            PeriodFactory(
                plan=plan,
                kind=Period.Kind.ANNUAL,
                system=system,
                opens_on=dt.date(plan.year, 11, 1),
                deadline=dt.date(plan.year, 12, 20),
            )
        )
        accept(q1, item, world["unit_a"], score=9)
        accept(q1, item, world["unit_b"], score=10)
        if offset == 1:
            accept(q1, veto, world["unit_b"], value=1, score=0)
        plan.periods.update(status=Period.Status.CLOSED)
        engine.recompute_plan(plan)
    return {**world, "cycle": cycle, "period": annuals[-1]}


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


def embedded_fonts(content: bytes) -> dict[str, bool]:
    """Base font name (subset tag dropped) -> whether its font file is embedded, for every
    font of every page and of the images drawn on it (charts are SVG forms)."""
    from pypdf import PdfReader

    found, seen = {}, set()

    def walk(resources):
        if resources is None or id(resources) in seen:
            return
        seen.add(id(resources))
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            for part in [font, *(d.get_object() for d in font.get("/DescendantFonts", []))]:
                descriptor = part.get("/FontDescriptor")
                if descriptor is None:
                    continue
                name = str(part["/BaseFont"]).lstrip("/").split("+")[-1]
                files = {"/FontFile", "/FontFile2", "/FontFile3"}
                found[name] = bool(files & set(descriptor.get_object()))
        for xobject in (resources.get("/XObject") or {}).values():
            walk(xobject.get_object().get("/Resources"))

    for page in PdfReader(io.BytesIO(content)).pages:
        walk(page.get("/Resources"))
    return found
