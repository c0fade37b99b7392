from decimal import Decimal

from tests.factories import BranchFactory, UnitFactory


def test_branch_over_one_hundred_members_is_flagged(db):
    assert BranchFactory.build(member_count=101).over_member_limit is True


def test_branch_of_exactly_one_hundred_members_is_not_flagged(db):
    assert BranchFactory.build(member_count=100).over_member_limit is False


def test_party_staff_within_one_to_two_percent_is_healthy(db):
    unit = UnitFactory.build(headcount=200, party_affairs_staff=3)
    assert unit.party_staff_ratio == Decimal("0.015")
    assert unit.party_staff_out_of_range is False


def test_party_staff_at_the_bounds_is_healthy(db):
    assert UnitFactory.build(headcount=100, party_affairs_staff=1).party_staff_out_of_range is False
    assert UnitFactory.build(headcount=100, party_affairs_staff=2).party_staff_out_of_range is False


def test_party_staff_below_one_percent_is_flagged(db):
    assert UnitFactory.build(headcount=300, party_affairs_staff=2).party_staff_out_of_range is True


def test_party_staff_above_two_percent_is_flagged(db):
    assert UnitFactory.build(headcount=120, party_affairs_staff=6).party_staff_out_of_range is True


def test_unit_without_headcount_has_no_ratio_and_no_flag(db):
    unit = UnitFactory.build(headcount=0, party_affairs_staff=2)
    assert unit.party_staff_ratio is None
    assert unit.party_staff_out_of_range is False
