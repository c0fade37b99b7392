"""Joint inspection: drawing a province round (a pure function, no database)."""

from assessment.inspection import DrawRule, Inspector, Item, draw, loads
from bench.measure import figure, stopwatch

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
        target="seconds",
        met=elapsed() < 10,
        units=units,
        items=len(items),
        inspectors=len(pool),
        load_min=min(counts),
        load_max=max(counts),
    )
