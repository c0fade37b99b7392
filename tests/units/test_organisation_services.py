"""Organisation writes, role grants and the default indicator template: the service decides
who may (committee staff through the full scope; never a unit-limited or read-only token)
and what is valid, whichever door calls (issue 17 §1)."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from assessment.models import IndicatorSystem
from assessment.services.indicator_template import load_template
from tests.factories import AnnualPlanFactory, UserFactory
from units.errors import NotAllowed
from units.models import Branch, Role, Unit, UnitCategory
from units.selectors import narrow_scope
from units.services import (
    create_organisation_record,
    delete_organisation_record,
    grant_role,
    update_organisation_record,
)

pytestmark = pytest.mark.django_db
REFUSAL = "只有工委工作人员可以修改组织数据。"


def test_committee_edits_the_organisation(world, committee):
    unit = update_organisation_record(world["unit_a"], by=committee, headcount=321)
    assert Unit.objects.get(pk=unit.pk).headcount == 321
    branch = create_organisation_record(
        Branch, by=committee, unit=world["unit_a"], name="新党支部", member_count=7
    )
    assert Branch.objects.get(pk=branch.pk).name == "新党支部"
    delete_organisation_record(branch, by=committee)
    assert not Branch.objects.filter(pk=branch.pk).exists()


@pytest.mark.parametrize("read_only", [False, True], ids=["unit", "read_only"])
def test_a_narrowed_committee_token_changes_no_organisation_record(world, committee, read_only):
    narrow_scope(committee, unit_id=None if read_only else world["unit_a"].pk, read_only=read_only)
    unit = world["unit_a"]
    with pytest.raises(NotAllowed) as refused:
        update_organisation_record(unit, by=committee, headcount=321)
    assert refused.value.message == REFUSAL
    with pytest.raises(NotAllowed):
        create_organisation_record(UnitCategory, by=committee, code="x", name="新类别")
    with pytest.raises(NotAllowed):
        delete_organisation_record(world["b1"], by=committee)
    assert Unit.objects.get(pk=unit.pk).headcount == unit.headcount
    assert not UnitCategory.objects.filter(code="x").exists()


def test_other_roles_change_no_organisation_record(world, unit_admin, secretary, leader):
    for actor in (unit_admin, secretary, leader):
        with pytest.raises(NotAllowed) as refused:
            update_organisation_record(world["unit_a"], by=actor, name="改名")
        assert refused.value.message == REFUSAL


def test_a_formula_leading_name_is_refused_by_the_service(world, committee):
    with pytest.raises(ValidationError) as refused:
        update_organisation_record(world["unit_a"], by=committee, name='=HYPERLINK("x","y")')
    assert list(refused.value.message_dict) == ["name"]
    assert Unit.objects.get(pk=world["unit_a"].pk).name == "省甲厅"


def test_a_record_in_use_is_not_deleted(world, committee):
    category = world["unit_a"].category
    with pytest.raises(ProtectedError):
        delete_organisation_record(category, by=committee)
    assert UnitCategory.objects.filter(pk=category.pk).exists()


def test_only_committee_staff_grant_roles(world, committee, unit_admin):
    person = UserFactory(username="newcomer")
    narrow_scope(committee, read_only=True)
    with pytest.raises(NotAllowed) as refused:
        grant_role(person, Role.Kind.SECRETARY, branch=world["b1"], by=committee)
    assert refused.value.message == "只有工委工作人员可以分配角色。"
    with pytest.raises(NotAllowed):
        grant_role(person, Role.Kind.SECRETARY, branch=world["b1"], by=unit_admin)
    assert not Role.objects.filter(user=person).exists()
    committee.__dict__.pop("_scope_cache", None)
    role = grant_role(person, Role.Kind.SECRETARY, branch=world["b1"], by=committee)
    assert (role.kind, role.branch_id) == (Role.Kind.SECRETARY, world["b1"].pk)


def test_only_committee_staff_load_the_default_template(world, committee):
    plan = AnnualPlanFactory(year=2026)
    narrow_scope(committee, unit_id=world["unit_a"].pk)
    with pytest.raises(NotAllowed) as refused:
        load_template(plan, by=committee)
    assert refused.value.message == "只有工委工作人员可以修改指标体系。"
    assert not IndicatorSystem.objects.filter(plan=plan).exists()
    committee.__dict__.pop("_scope_cache", None)
    assert load_template(plan, by=committee).version == 1
