"""Actions that change the organisation. Each runs in one transaction."""

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from .errors import ensure
from .export_safety import neutralise_dataset
from .importing import ImportOutcome, import_all_or_nothing, read_dataset
from .models import Branch, CoordinationGroup, Role, Unit, UnitCategory
from .resources import RESOURCES
from .selectors import may_edit_organisation, may_grant_roles, may_import_organisation

ORGANISATION_MODELS = (Unit, Branch, UnitCategory, CoordinationGroup)


def import_organisation(kind: str, uploaded_file, *, by) -> ImportOutcome:
    """Import categories, groups, units or branches: every row, or none of them."""
    ensure(may_import_organisation(by), _("只有工委工作人员可以导入组织数据。"))
    resource_class, _label = RESOURCES[kind]
    resource = resource_class()
    headers = [f.column_name for f in resource.get_import_fields()]
    dataset = read_dataset(uploaded_file, required_headers=headers)
    return import_all_or_nothing(resource, dataset)


def _ensure_edits_organisation(model, by) -> None:
    if model not in ORGANISATION_MODELS:
        raise TypeError(f"{model.__name__} is not an organisation record")
    ensure(may_edit_organisation(by), _("只有工委工作人员可以修改组织数据。"))


@transaction.atomic
def create_organisation_record(model: type[Model], *, by, **fields) -> Model:
    """Add a unit, branch, category or group. full_clean runs the field rules (formula-leading
    names, count limits, uniqueness) whichever door calls; a refusal is a ValidationError."""
    _ensure_edits_organisation(model, by)
    record = model(**fields)
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def update_organisation_record(record: Model, *, by, **fields) -> Model:
    _ensure_edits_organisation(type(record), by)
    for name, value in fields.items():
        setattr(record, name, value)
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def delete_organisation_record(record: Model, *, by) -> None:
    """A record still in use raises ProtectedError (the API answers 409 in_use)."""
    _ensure_edits_organisation(type(record), by)
    record.delete()


def export_organisation(kind: str, file_format: str) -> bytes:
    resource_class, _label = RESOURCES[kind]
    dataset = neutralise_dataset(resource_class().export())  # formula injection
    return dataset.export(file_format) if file_format == "csv" else dataset.export("xlsx")


class RoleError(ValueError):
    """A role that does not fit the organisation; the message is shown as it is."""


def check_member_branches(unit, branches) -> None:
    """A 党组成员 answers only for branches of their own unit."""
    stray = [b for b in branches if b.unit_id != getattr(unit, "pk", None)]
    if stray:
        raise RoleError(
            _("党组成员只能分管本单位的党支部：%(names)s 不属于该单位。")
            % {"names": "、".join(b.name for b in stray)}
        )


@transaction.atomic
def grant_role(
    user,
    kind: str,
    *,
    by,
    unit: Unit | None = None,
    branch: Branch | None = None,
    branches=(),
) -> Role:
    """Give a person a role; `branches` names a 党组成员's responsible branches (added).

    ``by`` is committee staff; ``by=None`` is the platform itself (demo loading, management
    commands run by the operator), never a request."""
    if by is not None:
        ensure(may_grant_roles(by), _("只有工委工作人员可以分配角色。"))
    if branches:
        if kind != Role.Kind.PARTY_MEMBER:
            raise RoleError(_("只有党组成员分管党支部。"))
        check_member_branches(unit, branches)
    role, _created = Role.objects.get_or_create(user=user, kind=kind, unit=unit, branch=branch)
    if branches:
        role.branches.add(*branches)
    user.__dict__.pop("_scope_cache", None)
    return role
