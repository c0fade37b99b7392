"""The audit log: who changed what, when, before and after (django-auditlog).

Each app registers its models in its own ``auditlog_registry.py`` (imported from the app's
``AppConfig.ready()``); the actor comes from ``auditlog.middleware.AuditlogMiddleware``.
This module holds what the registries share and the read-only search used by /audit/.
Nothing in the application edits or deletes a log entry.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone

from .selectors import scope_of

HIDDEN = "******"


def hide(value) -> str:
    """Mask callable for secrets and citizens' contacts: the log says that the field changed,
    never what it holds."""
    return HIDDEN


def may_read_audit(user) -> bool:
    """Committee staff and leaders (read-only like everything else)."""
    scope = scope_of(user)
    return scope.sees_everything and not scope.read_only


def audited_models() -> list[ContentType]:
    """The content types that have entries, for the model filter."""
    from auditlog.registry import auditlog

    models = auditlog.get_models()
    types = ContentType.objects.get_for_models(*models).values()
    return sorted(types, key=lambda ct: str(ct.model_class()._meta.verbose_name))


@dataclass(frozen=True)
class AuditQuery:
    content_type: ContentType | None = None
    object_pk: str = ""
    actor: str = ""
    action: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""


def search(query: AuditQuery) -> QuerySet[LogEntry]:
    entries = LogEntry.objects.select_related("content_type", "actor")
    if query.content_type is not None:
        entries = entries.filter(content_type=query.content_type)
    if query.object_pk:
        entries = entries.filter(object_pk=query.object_pk)
    if query.actor:
        entries = entries.filter(
            Q(actor__username__icontains=query.actor)
            | Q(actor__full_name__icontains=query.actor)
            | Q(actor_email__icontains=query.actor)
        )
    if query.action is not None:
        entries = entries.filter(action=query.action)
    tz = timezone.get_current_timezone()
    if query.date_from:
        entries = entries.filter(timestamp__gte=datetime.combine(query.date_from, time.min, tz))
    if query.date_to:
        entries = entries.filter(timestamp__lte=datetime.combine(query.date_to, time.max, tz))
    if query.text:
        entries = entries.filter(object_repr__icontains=query.text)
    return entries.order_by("-timestamp", "-pk")


HIDDEN_FIELDS = {"id"}


def _label(model, name):
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - a field removed since, or a pseudo-field (reason)
        return name


def _shown(value):
    return "—" if value in (None, "None", "") else value


def describe(entry) -> list[tuple[str, str, str]]:
    """(field label, before, after) of an entry, for people: verbose names, "—" for empty."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    rows = []
    for name, values in (entry.changes_dict or {}).items():
        if name in HIDDEN_FIELDS or not isinstance(values, list | tuple) or len(values) != 2:
            continue
        before, after = (_shown(v) for v in values)
        if before == after == "—":
            continue
        rows.append((_label(model, name) if model else name, before, after))
    return rows
