"""A small world for 结果运用 and 后进转化 (issue 16 §4–5), scores written directly.

Units: A 甲厅 (branches A1, A2), B 乙局 (B1), C 丙办 (C1), D 丁委. The 2025 annual period is
published (revision 1) with:

| unit | total | grade | rank | veto | other                                   |
|------|-------|-------|------|------|-----------------------------------------|
| A    | 92.50 | 优秀  | 1    |      | 2 open notices (1 overdue), 1 verified  |
| B    | 85.00 | 良好  | 2    |      | 1 negative-list entry of 2025           |
| C    | 81.00 | 一般  | 3    | yes  |                                         |
| D    | 55.00 | 较差  | 4    |      | 1 notice of 2025 overdue                |

Branch tiers (L 后进, M 中间, A 先进); 2026 Q1–Q3 closed, Q4 open:

| branch | 2025 annual | 2026 Q1 | Q2 | Q3 |
|--------|-------------|---------|----|----|
| A1     | L           | L       | M  | M  |
| A2     | L           | L       | L  | A  |
| B1     | M           | M       | L  | L  |
| C1     | M           | L       | A  | A  |

Units in the quarters: C vetoed in Q1, Q2 and Q3 (graded 一般); D graded 一般 from Q1.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from assessment.models import (
    NegativeListEntry,
    Period,
    PeriodScore,
    Problem,
    Rectification,
    ScoreSnapshot,
)
from assessment.selectors.score_rows import live_payload
from tests.factories import (
    AnnualPlanFactory,
    BranchFactory,
    CycleFactory,
    PeriodFactory,
    UnitCategoryFactory,
    UnitFactory,
    user_with_role,
)
from units.models import Role

D = Decimal


def score(period, unit, branch=None, total="70", **fields):
    return PeriodScore.objects.create(
        period=period,
        unit=unit,
        branch=branch,
        base=D(total),
        total=D(total),
        max_points=D("100"),
        net_rate=D(total),
        **fields,
    )


@pytest.fixture
def results_world(db, committee):
    cycle = CycleFactory(start_year=2024)
    plan25 = AnnualPlanFactory(cycle=cycle, year=2025)
    plan26 = AnnualPlanFactory(cycle=cycle, year=2026)
    annual = PeriodFactory(
        plan=plan25,
        kind=Period.Kind.ANNUAL,
        opens_on=dt.date(2025, 12, 1),
        deadline=dt.date(2026, 1, 15),
        status=Period.Status.PUBLISHED,
    )
    windows = {
        Period.Kind.Q1: (dt.date(2026, 3, 15), dt.date(2026, 4, 10), Period.Status.CLOSED),
        Period.Kind.Q2: (dt.date(2026, 6, 15), dt.date(2026, 7, 10), Period.Status.CLOSED),
        Period.Kind.Q3: (dt.date(2026, 9, 15), dt.date(2026, 10, 10), Period.Status.CLOSED),
        Period.Kind.Q4: (dt.date(2026, 11, 15), dt.date(2026, 12, 10), Period.Status.OPEN),
    }
    q = {
        kind: PeriodFactory(plan=plan26, kind=kind, opens_on=o, deadline=d, status=s)
        for kind, (o, d, s) in windows.items()
    }
    economic = UnitCategoryFactory(code="economic", name="经济调节类")
    service = UnitCategoryFactory(code="service", name="窗口服务类")
    a = UnitFactory(name="省甲厅", short_name="甲厅", slug="jia", category=economic)
    b = UnitFactory(name="省乙局", short_name="乙局", slug="yi", category=service)
    c = UnitFactory(name="省丙办", short_name="丙办", slug="bing", category=economic)
    d = UnitFactory(name="省丁委", short_name="丁委", slug="ding", category=service)
    a1 = BranchFactory(unit=a, name="甲厅第一党支部")
    a2 = BranchFactory(unit=a, name="甲厅第二党支部")
    b1 = BranchFactory(unit=b, name="乙局第一党支部")
    c1 = BranchFactory(unit=c, name="丙办第一党支部")

    unit_rows = [
        (a, "92.50", "excellent", 1, 1, False),
        (b, "85.00", "good", 2, 1, False),
        (c, "81.00", "fair", 3, 2, True),
        (d, "55.00", "poor", 4, 2, False),
    ]
    for unit, total, grade, rank, category_rank, vetoed in unit_rows:
        score(
            annual,
            unit,
            total=total,
            grade=grade,
            rank=rank,
            category_rank=category_rank,
            vetoed=vetoed,
        )
    tiers = {
        a1: ["lagging", "lagging", "middle", "middle"],
        a2: ["lagging", "lagging", "lagging", "advanced"],
        b1: ["middle", "middle", "lagging", "lagging"],
        c1: ["middle", "lagging", "advanced", "advanced"],
    }
    periods = [annual, q["q1"], q["q2"], q["q3"]]
    for branch, states in tiers.items():
        for period, tier in zip(periods, states, strict=True):
            score(period, branch.unit, branch, total="65", tier=tier)
    for period in periods[1:]:
        score(period, c, total="75", grade="fair", vetoed=True)
        score(period, d, total="65", grade="fair")
    ScoreSnapshot.objects.create(
        period=annual, revision=1, data=live_payload(annual), created_by=committee
    )

    today = timezone.localdate()
    NegativeListEntry.objects.create(
        plan=plan25,
        unit=b,
        reason="发生违反中央八项规定精神问题",
        effect="deduction",
        points=D("2"),
        created_by=committee,
    )

    def notice(unit, deadline, status=Problem.Status.OPEN, plan=plan25):
        """A notice of the plan's year holding one problem."""
        rectification = Rectification.objects.create(
            plan=plan, unit=unit, problem="组织生活不规范", deadline=deadline, issued_by=committee
        )
        return Problem.objects.create(
            unit=unit,
            notice=rectification,
            source=Problem.Source.REVIEW,
            description="组织生活不规范",
            found_on=dt.date(plan.year, 6, 1),
            deadline=deadline,
            status=status,
            raised_by=committee,
        )

    notice(a, today + dt.timedelta(days=10), plan=plan26)
    notice(a, today - dt.timedelta(days=3), plan=plan26)
    notice(a, today - dt.timedelta(days=30), status=Problem.Status.VERIFIED)
    notice(d, today - dt.timedelta(days=5))
    return {
        "plan25": plan25,
        "plan26": plan26,
        "annual": annual,
        "q": q,
        "units": {"a": a, "b": b, "c": c, "d": d},
        "branches": {"a1": a1, "a2": a2, "b1": b1, "c1": c1},
        "admin_a": user_with_role(Role.Kind.UNIT_ADMIN, unit=a, username="admin_a"),
        "admin_b": user_with_role(Role.Kind.UNIT_ADMIN, unit=b, username="admin_b"),
    }
