import pytest
from django.db import IntegrityError

from tests.factories import user_with_role
from units.models import Role
from units.selectors import branches_visible_to, can_manage, units_visible_to


def names(queryset):
    return sorted(o.name for o in queryset)


def test_committee_sees_every_unit_and_branch(world, committee):
    assert names(units_visible_to(committee)) == ["省乙局", "省甲厅"]
    assert names(branches_visible_to(committee)) == [
        "乙局第一党支部",
        "甲厅第一党支部",
        "甲厅第二党支部",
    ]


def test_leader_sees_everything_but_cannot_manage(world, leader):
    assert names(units_visible_to(leader)) == ["省乙局", "省甲厅"]
    assert can_manage(leader) is False


def test_unit_admin_sees_own_unit_and_all_its_branches(world, unit_admin):
    assert names(units_visible_to(unit_admin)) == ["省甲厅"]
    assert names(branches_visible_to(unit_admin)) == ["甲厅第一党支部", "甲厅第二党支部"]


def test_secretary_sees_own_branch_only(world, secretary):
    assert names(units_visible_to(secretary)) == ["省甲厅"]
    assert names(branches_visible_to(secretary)) == ["甲厅第一党支部"]


def test_user_without_role_sees_nothing(world, nobody):
    assert names(units_visible_to(nobody)) == []
    assert names(branches_visible_to(nobody)) == []


def test_person_holding_two_roles_sees_the_union(world):
    person = user_with_role(Role.Kind.SECRETARY, branch=world["b1"], username="both")
    Role.objects.create(user=person, kind=Role.Kind.UNIT_ADMIN, unit=world["unit_a"])
    assert names(units_visible_to(person)) == ["省乙局", "省甲厅"]
    assert names(branches_visible_to(person)) == [
        "乙局第一党支部",
        "甲厅第一党支部",
        "甲厅第二党支部",
    ]


def test_only_committee_can_manage(world, committee, unit_admin, secretary):
    assert [can_manage(u) for u in (committee, unit_admin, secretary)] == [True, False, False]


def test_secretary_role_without_branch_is_refused_by_the_database(db, nobody):
    with pytest.raises(IntegrityError):
        Role.objects.create(user=nobody, kind=Role.Kind.SECRETARY)
