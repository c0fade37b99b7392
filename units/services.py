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


@transaction.atomic
def grant_role(user, kind: str, *, unit: Unit | None = None, branch: Branch | None = None) -> Role:
    role, _created = Role.objects.get_or_create(user=user, kind=kind, unit=unit, branch=branch)
    user.__dict__.pop("_scope_cache", None)
    return role
