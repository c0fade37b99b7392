"""Pure rules of joint inspection (联检联评): who may inspect what, and the drawing.

No ORM here: the services hand in plain tuples and store what comes back, so the same
seed always draws the same teams and the rules can be tested on their own.
"""

import heapq
import random
from collections import deque
from dataclasses import dataclass


class DrawRule:
    """Where a unit's inspectors come from (the values of InspectionRound.DrawRule)."""

    OTHER_GROUP = "other_group"  # units of another coordination group (the default)
    SAME_GROUP = "same_group"  # another unit of the same coordination group


@dataclass(frozen=True)
class Item:
    id: int
    unit_id: int
    group_id: int | None


@dataclass(frozen=True)
class Inspector:
    id: int
    unit_id: int
    group_id: int | None


class DrawError(ValueError):
    """The pool cannot give an item as many eligible inspectors as the round asks for."""

    def __init__(self, item_id, eligible, wanted):
        super().__init__(item_id, eligible, wanted)
        self.item_id = item_id
        self.eligible = eligible
        self.wanted = wanted


def may_inspect(inspector: Inspector, item: Item, rule: str, conflicts) -> bool:
    """Never one's own unit nor a unit one declared a conflict with; then the group rule."""
    if inspector.unit_id == item.unit_id or (inspector.id, item.unit_id) in conflicts:
        return False
    if rule == DrawRule.SAME_GROUP:
        return item.group_id is not None and inspector.group_id == item.group_id
    # A unit outside every group has no "own group": anyone of another unit may inspect it.
    return item.group_id is None or inspector.group_id != item.group_id


def draw(items, inspectors, *, per_item: int, rule: str, seed: int, conflicts=frozenset()):
    """{item id: [inspector ids]}: per_item different eligible inspectors for every item.

    The most constrained items are served first and each takes the least loaded eligible
    inspectors (ties broken by the seed); then duties move along chains of swaps from the
    heaviest to the lightest inspectors until loads differ by at most one, or no chain is
    left (the eligibility allows no better). Raises DrawError naming an item that cannot
    be staffed.
    """
    rng = random.Random(seed)
    pool = sorted(inspectors, key=lambda i: i.id)
    tiebreak = {inspector.id: rng.random() for inspector in pool}
    # Eligibility depends on the item's unit only: decide it once per unit.
    by_unit = {}
    for item in items:
        if item.unit_id not in by_unit:
            by_unit[item.unit_id] = [i.id for i in pool if may_inspect(i, item, rule, conflicts)]
    eligible = {item.id: by_unit[item.unit_id] for item in items}
    order = sorted(items, key=lambda item: item.id)
    rng.shuffle(order)
    # Stable sort: among equally constrained items the seeded shuffle decides.
    order.sort(key=lambda item: len(eligible[item.id]))
    load = {inspector.id: 0 for inspector in pool}
    duties = {inspector.id: {} for inspector in pool}  # inspector -> items, in drawing order
    teams = {}
    for item in order:
        candidates = eligible[item.id]
        if len(candidates) < per_item:
            raise DrawError(item.id, len(candidates), per_item)
        chosen = heapq.nsmallest(per_item, candidates, key=lambda i: (load[i], tiebreak[i]))
        for inspector_id in chosen:
            load[inspector_id] += 1
            duties[inspector_id][item.id] = None
        teams[item.id] = chosen
    _balance(teams, eligible, load, duties)
    return {item_id: sorted(team) for item_id, team in teams.items()}


def _balance(teams, eligible, load, duties):
    """Move duties along swap chains while some inspector carries two more than another.

    Each move takes one duty from a load a to a load b <= a - 2, so the sum of squared
    loads falls and the loop ends.
    """
    while load:
        most, least = max(load.values()), min(load.values())
        if most - least <= 1:
            return
        path = _chain(
            [i for i, n in load.items() if n == most],
            {i for i, n in load.items() if n <= most - 2},
            teams,
            eligible,
            duties,
        ) or _chain(
            [i for i, n in load.items() if n >= least + 2],
            {i for i, n in load.items() if n == least},
            teams,
            eligible,
            duties,
        )
        if not path:
            return
        for giver, item_id, taker in path:
            team = teams[item_id]
            team[team.index(giver)] = taker
            del duties[giver][item_id]
            duties[taker][item_id] = None
        load[path[0][0]] -= 1
        load[path[-1][2]] += 1


def _chain(sources, sinks, teams, eligible, duties):
    """[(giver, item, taker), ...] from a source to a sink inspector, breadth first."""
    reached = {source: None for source in sources}
    queue = deque(sources)
    while queue:
        giver = queue.popleft()
        for item_id in duties[giver]:
            team = teams[item_id]
            for taker in eligible[item_id]:
                if taker in reached or taker in team:
                    continue
                reached[taker] = (giver, item_id)
                if taker in sinks:
                    path, node = [], taker
                    while reached[node] is not None:
                        previous, via = reached[node]
                        path.append((previous, via, node))
                        node = previous
                    return path[::-1]
                queue.append(taker)
    return None


def loads(teams) -> dict:
    """Items per inspector in a drawing."""
    counts = {}
    for inspector_ids in teams.values():
        for inspector_id in inspector_ids:
            counts[inspector_id] = counts.get(inspector_id, 0) + 1
    return counts


def sample(item_ids, *, seed: int, share=None, count=None) -> list:
    """The items a sampled round inspects: a seeded choice of `count` items, or of the
    share rounded up (at least one); all of them when neither is given."""
    ordered = sorted(item_ids)
    if count is None and share is None:
        return ordered
    if count is None:
        count = max(1, -(-len(ordered) * int(share * 100) // 100))
    if count >= len(ordered):
        return ordered
    return sorted(random.Random(seed).sample(ordered, count))
