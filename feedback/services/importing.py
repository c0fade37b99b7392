import hashlib
import json

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from units.importing import ImportOutcome, import_all_or_nothing, read_dataset
from units.selectors import scope_of

from ..models import Rating, SurveyImport
from ..resources import SURVEY_HEADERS, SurveyRatingResource
from .cases import open_cases


def import_survey(uploaded_file, *, batch: str, user) -> ImportOutcome:
    """Import a third-party survey: every row or none; bad rows named by their line.

    Every bad rating gets its follow-up case, and the batch one audit entry. A file whose
    rows were imported before (whatever its name, batch or the program that saved it) adds
    nothing: the outcome's ``repeat_of`` names the earlier import."""
    if not scope_of(user).committee:
        raise PermissionDenied
    dataset = read_dataset(uploaded_file, required_headers=SURVEY_HEADERS[:2] + SURVEY_HEADERS[3:4])
    digest = content_digest(dataset)
    resource = SurveyRatingResource(batch=batch, user=user)
    with transaction.atomic():
        earlier = SurveyImport.objects.select_for_update().filter(digest=digest).first()
        if earlier is not None:
            return ImportOutcome(unchanged=len(dataset), repeat_of=earlier)
        outcome = import_all_or_nothing(resource, dataset)
        if outcome.ok:
            open_cases(resource.bad_ratings)
            _audit_import(resource.batch, user, outcome.new)
            SurveyImport.objects.create(
                digest=digest, batch=resource.batch, rows=outcome.new, imported_by=user
            )
    return outcome


def content_digest(dataset) -> str:
    """The rows as read, not the file's bytes: the same survey re-saved is the same."""
    digest = hashlib.sha256()
    for row in [dataset.headers, *dataset]:
        digest.update(json.dumps(list(row), default=str, ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def _audit_import(batch: str, user, rows: int) -> None:
    """The ratings are inserted in bulk, which django-auditlog does not see: one entry says
    who imported how many into which batch."""
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Rating),
        object_pk="",
        object_repr=_("第三方评价导入 %(rows)d 条：%(batch)s") % {"rows": rows, "batch": batch},
        action=LogEntry.Action.CREATE,
        changes={"survey_batch": ["", batch]},
        changes_text="",
        actor=user,
        actor_email=getattr(user, "email", "") or "",
        additional_data={"import": "survey", "batch": batch, "rows": rows},
    )
