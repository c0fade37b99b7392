"""The engine's read of a period (``engine.load_submissions``), both ways it reads — grouped
in SQL with the points CASE of ``item_points_expression`` and a column per tally class of
``tally_classes`` (all units), or the rows of a few units grouped in Python (what a review
recomputes) — gives exactly what the pure rules give (``rules.item_points`` per accepted
item, ``rules.triggers_veto``, the submitted and on-time counts), summed per unit or branch
by dimension, standard and goal, on random data. Run on SQLite and (DATABASE_URL)
PostgreSQL: the SQL is the same text, the arithmetic is each database's own."""

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal as D

import pytest

from assessment.models import Indicator, Period, Standard, Submission
from assessment.scoring import engine, rules
from tests.assessment.scoring_world import K, L, make_item
from tests.factories import (
    AnnualPlanFactory,
    BranchFactory,
    IndicatorSystemFactory,
    PeriodFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db
S = Submission.Status
STATUSES = [S.ACCEPTED, S.ACCEPTED, S.ACCEPTED, S.SUBMITTED, S.UNIT_CHECKED, S.RETURNED, S.DRAFT]


@pytest.fixture
def system_items():
    plan = AnnualPlanFactory(year=2024)
    system = IndicatorSystemFactory(plan=plan)
    d1 = make_item(system, None, "D1", K.DIMENSION, weight=60, standard=Standard.CONDUCT)
    d2 = make_item(system, None, "D2", K.DIMENSION, weight=40, standard=Standard.SERVICE)
    items = [
        make_item(system, d1, "G1", K.GRADED, max_score=10, weight=50, goal="efficiency"),
        # G1's tally class with another rule: that class's column is a CASE over two rules.
        make_item(system, d1, "G2", K.GRADED, max_score=4, weight=20, goal="efficiency"),
        make_item(system, d1, "Q1", K.QUANTITATIVE, max_score=20, weight=50, goal="politics"),
        make_item(system, d2, "Y1", K.YES_NO, max_score=5, weight=70, goal="responsibility"),
        make_item(system, d2, "U1", K.GRADED, max_score=10, weight=30, level=L.UNIT),
        make_item(system, d1, "B1", K.BONUS, max_score=2),
        make_item(system, d2, "B2", K.BONUS, max_score=0),  # no cap
        make_item(system, d1, "X1", K.DEDUCTION, max_score=5),
        make_item(system, None, "X2", K.DEDUCTION, max_score=0),  # outside any dimension
        make_item(system, None, "V1", K.VETO, max_score=1),
    ]
    period = PeriodFactory(
        plan=plan,
        kind=Period.Kind.Q1,
        system=system,
        opens_on=dt.date(2024, 1, 1),
        deadline=dt.date(2024, 4, 10),
    )
    return period, items


def random_score(rng):
    if rng.random() < 0.1:
        return None
    return D(rng.randint(-800, 2600)) / 100  # below 0, within and above full marks


def expected(period, catalogue, submissions):
    """The tallies and counts as the rule functions make them."""
    tallies, counts = {}, defaultdict(lambda: [0, 0])
    for s in submissions:
        key = (s.unit_id, s.branch_id)
        count = counts[key]  # every unit or branch with a row, even a draft
        if s.status in engine.SUBMITTED_STATES:
            count[0] += 1
            count[1] += not s.is_late
        if s.status != S.ACCEPTED:
            continue
        m = catalogue.items[s.indicator_id]
        t = tallies.setdefault(
            key,
            {"regular": {}, "deductions": {}, "bonus": D(0), "standards": {}, "goals": {}},
        )
        t.setdefault("veto", False)
        points = rules.item_points(m.kind, s.reviewer_score, m.max_score, m.effective)
        if m.kind in rules.REGULAR_KINDS:
            for axis, k in (
                ("regular", m.dimension_id),
                ("standards", m.standard),
                ("goals", m.goal),
            ):
                t[axis][k] = t[axis].get(k, D(0)) + points
        elif m.kind == Indicator.Kind.DEDUCTION:
            t["deductions"][m.dimension_id] = t["deductions"].get(m.dimension_id, D(0)) + points
        elif m.kind == Indicator.Kind.BONUS:
            t["bonus"] += points
        elif m.kind == Indicator.Kind.VETO:
            t["veto"] = t["veto"] or rules.triggers_veto(s.value, s.reviewer_score)
    return tallies, {k: list(v) for k, v in counts.items()}


@pytest.mark.parametrize("few_units", [False, True], ids=["grouped-in-sql", "rows-of-few-units"])
@pytest.mark.parametrize("seed", range(4))
def test_the_grouped_read_equals_the_rules(system_items, seed, few_units):
    period, items = system_items
    rng = random.Random(seed)
    units = [UnitFactory() for _u in range(2)]
    submissions = []
    for unit in units:
        branches = [BranchFactory(unit=unit) for _b in range(2)]
        for item in items:
            for branch in [None] if item.level == L.UNIT else branches:
                if rng.random() < 0.15:
                    continue  # not filed at all
                submissions.append(
                    Submission(
                        period=period,
                        indicator=item,
                        unit=unit,
                        branch=branch,
                        status=rng.choice(STATUSES),
                        reviewer_score=random_score(rng),
                        value=D(rng.choice([0, 0, 1, 3])) if item.kind == K.VETO else None,
                        is_late=rng.random() < 0.3,
                    )
                )
    Submission.objects.bulk_create(submissions)
    catalogue = engine.catalogue_for(period)
    asked = {unit.pk for unit in units} if few_units else None
    tallies, counts = engine.load_submissions(period, catalogue, asked)
    want_tallies, want_counts = expected(period, catalogue, submissions)

    assert counts == want_counts
    got = {
        key: {
            "regular": dict(t.regular),
            "deductions": dict(t.deductions),
            "bonus": t.bonus,
            "standards": dict(t.standards),
            "goals": dict(t.goals),
            "veto": t.veto,
        }
        for key, t in tallies.items()
    }
    assert got == want_tallies
