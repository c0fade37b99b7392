"""Actions that change the organisation. Each runs in one transaction."""

from django.db import transaction
from django.utils.translation import gettext as _

from .errors import ensure
from .export_safety import neutralise_dataset
from .importing import ImportOutcome, import_all_or_nothing, read_dataset
from .models import Branch, Role, Unit
from .resources import RESOURCES
from .selectors import may_import_organisation


def import_organisation(kind: str, uploaded_file, *, by) -> ImportOutcome:
    """Import categories, groups, units or branches: every row, or none of them."""
    ensure(may_import_organisation(by), _("只有工委工作人员可以导入组织数据。"))
    resource_class, _label = RESOURCES[kind]
    resource = resource_class()
    headers = [f.column_name for f in resource.get_import_fields()]
    dataset = read_dataset(uploaded_file, required_headers=headers)
    return import_all_or_nothing(resource, dataset)


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
    unit: Unit | None = None,
    branch: Branch | None = None,
    branches=(),
) -> Role:
    """Give a person a role; `branches` names a 党组成员's responsible branches (added)."""
    if branches:
        if kind != Role.Kind.PARTY_MEMBER:
            raise RoleError(_("只有党组成员分管党支部。"))
        check_member_branches(unit, branches)
    role, _created = Role.objects.get_or_create(user=user, kind=kind, unit=unit, branch=branch)
    if branches:
        role.branches.add(*branches)
    user.__dict__.pop("_scope_cache", None)
    return role
