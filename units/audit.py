"""The audit log: who changed what, when, before and after (django-auditlog).

Each app registers its models in its own ``auditlog_registry.py`` (imported from the app's
``AppConfig.ready()``); the actor comes from ``auditlog.middleware.AuditlogMiddleware``.
This module holds what the registries share and the read-only search used by /audit/.
Nothing in the application edits or deletes a log entry.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import BooleanField, DateTimeField, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
YES_NO = {"True": _("是"), "False": _("否")}


def _field(model, name):
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a field removed since, or a pseudo-field (reason)
        return None
    return field if field.concrete else None  # not a reverse relation of the same name


def _empty(value) -> bool:
    return value in (None, "None", "")


def _is_reference(field) -> bool:
    return bool((field.many_to_one or field.one_to_one) and field.related_model)


def _local_time(value: str) -> str:
    """auditlog keeps date-times as naive UTC with microseconds; readers want local time."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def _readable(field, value, names) -> str:
    """One logged value as its reader says it: a choice's label, 是/否, the related object's
    name, a local time without microseconds; "—" when empty."""
    if _empty(value):
        return "—"
    value = str(value)
    if field is None:
        return value
    if _is_reference(field):
        return names.get(field.related_model, {}).get(value, f"#{value}")
    if field.choices:
        labels = {str(key): str(label) for key, label in field.flatchoices}
        return labels.get(value, value)
    if isinstance(field, BooleanField):
        return str(YES_NO.get(value, value))
    if isinstance(field, DateTimeField):
        return _local_time(value)
    return value


def _changes(entry):
    model = entry.content_type.model_class() if entry.content_type_id else None
    for name, values in (entry.changes_dict or {}).items():
        if name in HIDDEN_FIELDS or not isinstance(values, list | tuple) or len(values) != 2:
            continue
        yield name, (_field(model, name) if model else None), values


def _related_names(entries) -> dict:
    """related model -> {pk as logged: str(object)}, one query per related model."""
    wanted = defaultdict(set)
    for entry in entries:
        for _name, field, values in _changes(entry):
            if field is not None and _is_reference(field):
                wanted[field.related_model].update(str(v) for v in values if not _empty(v))
    names = {}
    for model, pks in wanted.items():
        found = model._default_manager.in_bulk([pk for pk in pks if pk.isdigit()] or list(pks))
        names[model] = {str(pk): str(obj) for pk, obj in found.items()}
    return names


def describe(entry, names=None) -> list[tuple[str, str, str]]:
    """(field label, before, after) of an entry, for people: verbose names and readable
    values (see ``_readable``)."""
    names = _related_names([entry]) if names is None else names
    rows = []
    for name, field, values in _changes(entry):
        before, after = (_readable(field, v, names) for v in values)
        if before == after == "—":
            continue
        rows.append((str(field.verbose_name) if field is not None else name, before, after))
    return rows


def describe_page(entries) -> None:
    """Set ``rows`` on each entry of a page, naming related objects in a fixed number of
    queries."""
    entries = list(entries)
    names = _related_names(entries)
    for entry in entries:
        entry.rows = describe(entry, names)
