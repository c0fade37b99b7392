"""Joint inspection at province scale: drawing a round, and its agreement figures (both
pure functions, no database: the services around them add one bulk insert and one
query). Target: each under 5 s."""

import random
from decimal import Decimal

from assessment.agreement import Rated, report
from assessment.inspection import DrawRule, Inspector, Item, draw, loads
from bench.measure import figure, stopwatch

TARGET_SECONDS = 5

GROUPS = 7  # the seven 党建工作协作组 of source 003
UNITS = 150
ITEMS_PER_UNIT = 40  # a unit-level sample of the year's items
INSPECTORS_PER_UNIT = 2


def draw_figures(scale: float):
    """Every unit inspected, two inspectors per item from another group, loads balanced."""
    units = max(GROUPS * 2, round(UNITS * scale))
    items = [
        Item(unit * 1000 + n, unit, unit % GROUPS)
        for unit in range(units)
        for n in range(ITEMS_PER_UNIT)
    ]
    pool = [
        Inspector(unit * 10 + k, unit, unit % GROUPS)
        for unit in range(units)
        for k in range(INSPECTORS_PER_UNIT)
    ]
    with stopwatch() as elapsed:
        teams = draw(items, pool, per_item=2, rule=DrawRule.OTHER_GROUP, seed=2026)
    counts = loads(teams).values()
    yield figure(
        "inspection.draw_province",
        elapsed(),
        "s",
        target=f"< {TARGET_SECONDS} s",
        met=elapsed() < TARGET_SECONDS,
        units=units,
        items=len(items),
        inspectors=len(pool),
        load_min=min(counts),
        load_max=max(counts),
    )
    yield from agreement_figures(teams, items)


def agreement_figures(teams, items):
    """The round page's figures (per standard and overall, ICC(1,1), leniency) over every
    drawn item with both inspectors' scores in."""
    rng = random.Random(2026)
    standards = ["belief", "theory", "organisation", "conduct", "discipline", "service"]
    full = Decimal("10")
    rated = []
    for item in items:
        truth = rng.randint(4, 10)
        scores = {
            inspector: Decimal(min(10, max(0, truth + rng.choice((-1, 0, 0, 1)))))
            for inspector in teams[item.id]
        }
        rated.append(Rated(item.id, full, scores, standards[item.id % len(standards)]))
    with stopwatch() as elapsed:
        result = report(rated, Decimal("0.20"))
    yield figure(
        "inspection.agreement_province",
        elapsed(),
        "s",
        target=f"< {TARGET_SECONDS} s",
        met=elapsed() < TARGET_SECONDS,
        items=len(rated),
        scores=sum(len(r.scores) for r in rated),
        icc=round(result.overall.icc, 3),
        inspectors=len(result.leniency),
    )
