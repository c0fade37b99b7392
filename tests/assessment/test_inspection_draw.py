"""The drawing of inspection teams, a pure function: eligibility, balance, the seed."""

import pytest

from assessment.inspection import DrawError, DrawRule, Inspector, Item, draw, loads, may_inspect

# Three coordination groups (1, 2, 3), two units each; one inspector per unit.
UNITS = {10: 1, 11: 1, 20: 2, 21: 2, 30: 3, 31: 3}
POOL = [Inspector(100 + unit, unit, group) for unit, group in UNITS.items()]
# Five items per unit.
ITEMS = [Item(unit * 10 + n, unit, group) for unit, group in UNITS.items() for n in range(5)]
INSPECTORS_BY_ID = {i.id: i for i in POOL}
ITEMS_BY_ID = {i.id: i for i in ITEMS}


def test_other_group_rule_draws_only_from_other_groups_with_balanced_load():
    teams = draw(ITEMS, POOL, per_item=2, rule=DrawRule.OTHER_GROUP, seed=7)
    assert len(teams) == 30
    for item_id, team in teams.items():
        item = ITEMS_BY_ID[item_id]
        assert len(set(team)) == 2
        assert all(INSPECTORS_BY_ID[i].group_id != item.group_id for i in team)
    # 60 duties over 6 inspectors: exactly 10 each.
    assert sorted(loads(teams).values()) == [10] * 6


def test_same_group_rule_draws_the_other_unit_of_the_group():
    teams = draw(ITEMS, POOL, per_item=1, rule=DrawRule.SAME_GROUP, seed=7)
    assert teams[100] == [111]  # unit 10's item goes to unit 11's inspector
    assert teams[310] == [130]
    assert sorted(loads(teams).values()) == [5] * 6


def test_same_seed_draws_the_same_teams_and_another_seed_differs():
    first = draw(ITEMS, POOL, per_item=2, rule=DrawRule.OTHER_GROUP, seed=42)
    assert draw(ITEMS, POOL, per_item=2, rule=DrawRule.OTHER_GROUP, seed=42) == first
    assert draw(ITEMS, POOL, per_item=2, rule=DrawRule.OTHER_GROUP, seed=43) != first


def test_declared_conflict_and_own_unit_are_never_drawn():
    conflicts = {(120, 30), (120, 31)}  # unit 20's inspector declared both units of group 3
    teams = draw(ITEMS, POOL, per_item=2, rule=DrawRule.OTHER_GROUP, seed=1, conflicts=conflicts)
    for item_id, team in teams.items():
        item = ITEMS_BY_ID[item_id]
        assert item.unit_id + 100 not in team
        assert all((i, item.unit_id) not in conflicts for i in team)
    assert max(loads(teams).values()) - min(loads(teams).values()) <= 1


def test_load_differs_by_at_most_one_when_duties_do_not_divide_evenly():
    items = ITEMS[:-1]  # 29 items, 58 duties over 6 inspectors
    teams = draw(items, POOL, per_item=2, rule=DrawRule.OTHER_GROUP, seed=3)
    assert sorted(loads(teams).values()) == [9, 9, 10, 10, 10, 10]


def test_an_item_without_enough_eligible_inspectors_is_refused():
    lonely = [Inspector(1, 20, 2)]
    with pytest.raises(DrawError) as raised:
        draw([Item(5, 10, 1)], lonely, per_item=2, rule=DrawRule.OTHER_GROUP, seed=0)
    assert (raised.value.item_id, raised.value.eligible, raised.value.wanted) == (5, 1, 2)


def test_a_unit_outside_every_group_may_be_inspected_by_any_other_unit():
    item = Item(1, 50, None)
    assert may_inspect(Inspector(9, 10, 1), item, DrawRule.OTHER_GROUP, set())
    assert not may_inspect(Inspector(9, 50, None), item, DrawRule.OTHER_GROUP, set())
    assert not may_inspect(Inspector(9, 10, 1), item, DrawRule.SAME_GROUP, set())


def test_sample_is_seeded_and_sized():
    from decimal import Decimal

    from assessment.inspection import sample

    ids = list(range(1, 11))
    assert sample(ids, seed=7) == ids
    assert len(sample(ids, seed=7, count=3)) == 3
    assert sample(ids, seed=7, count=3) == sample(ids, seed=7, count=3)
    assert len(sample(ids, seed=7, share=Decimal("0.25"))) == 3  # 2.5 rounded up
    assert sample(ids, seed=7, count=50) == ids
