"""The third-party survey import: every row or none, each bad row named by its line.

The columns and their rules are declared once in ``feedback.resources.SurveyRatingResource``
(its widgets check the unit, the level, the evaluator and the date); the rows are taken
through them here in one loop and stored with COPY, without django-import-export's per-row
machinery (instances, diffs, row results): that was two thirds of a 10,000-row import."""

import hashlib
import json

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from units.bulk import insert_rows, prepared
from units.errors import ensure
from units.importing import ImportOutcome, RowProblem, data_lines, formula_problems, read_dataset

from .. import selectors
from ..models import BAD_LEVELS, LEVEL_SCORES, Channel, Rating, SurveyImport
from ..resources import SURVEY_HEADERS, SurveyRatingResource
from .cases import open_cases
from .ratings import new_receipt

# The columns a row sets; every other column takes the value of the template rating.
ROW_FIELDS = ("unit", "level", "evaluator_kind", "received_on", "comment")
COMMENT_LIMIT = 1000


def import_survey(uploaded_file, *, batch: str, user) -> ImportOutcome:
    """Import a third-party survey: every row or none; bad rows named by their line.

    Every bad rating gets its follow-up case, and the batch one audit entry. A file whose
    rows were imported before (whatever its name, batch or the program that saved it) adds
    nothing: the outcome's ``repeat_of`` names the earlier import."""
    ensure(selectors.may_import_survey(user), _("只有工委工作人员可以导入第三方评价。"))
    dataset = read_dataset(uploaded_file, required_headers=SURVEY_HEADERS[:2] + SURVEY_HEADERS[3:4])
    digest = content_digest(dataset)
    resource = SurveyRatingResource(batch=batch, user=user)
    with transaction.atomic():
        earlier = SurveyImport.objects.select_for_update().filter(digest=digest).first()
        if earlier is not None:
            return ImportOutcome(unchanged=len(dataset), repeat_of=earlier)
        outcome = ImportOutcome(problems=formula_problems(dataset))
        if outcome.problems:
            return outcome
        rows, bad_receipts, outcome.problems = _rows(resource, dataset)
        if outcome.problems:
            return outcome
        _store(rows, bad_receipts, batch_size=resource._meta.batch_size)
        open_cases(list(Rating.objects.filter(receipt__in=bad_receipts).order_by("pk")))
        outcome.new = len(rows)
        outcome.cases_opened = len(bad_receipts)
        _audit_import(resource.batch, user, outcome.new)
        SurveyImport.objects.create(
            digest=digest, batch=resource.batch, rows=outcome.new, imported_by=user
        )
    return outcome


def _rows(resource, dataset):
    """The rows as column values ready for COPY (receipts drawn), the receipts of the bad
    ratings, and the problems of every bad row ("列名：原因", by line)."""
    resource.before_import(dataset)  # the units the file names, in one query
    connection = transaction.get_connection()
    fields = [f for f in Rating._meta.concrete_fields if not f.primary_key]
    position = {f.name: n for n, f in enumerate(fields)}
    template = prepared(
        Rating(
            channel=Channel.SURVEY,
            survey_batch=resource.batch,
            entered_by=resource.user,
            level="",
            score=0,
        ),
        fields,
        connection,
    )
    columns = [
        (
            position[name],
            resource.fields[name].widget.clean,
            resource.fields[name].column_name,
            dataset.headers.index(resource.fields[name].column_name)
            if resource.fields[name].column_name in dataset.headers
            else None,
        )
        for name in ROW_FIELDS
    ]
    at_unit, at_level, at_score = position["unit"], position["level"], position["score"]
    at_received, at_receipt = position["received_on"], position["receipt"]
    at_comment = position["comment"]
    rows, bad_receipts, problems = [], [], []
    for line, raw in zip(data_lines(dataset), dataset, strict=True):
        row = list(template)
        errors = []
        for at, clean, column, index in columns:
            value = raw[index] if index is not None else None
            try:
                row[at] = clean(value)
            except ValueError as exc:
                message = str(exc)
                errors.append(message if f"“{column}”" in message else f"{column}：{message}")
        if errors:
            problems.append(RowProblem(line, "；".join(errors)))
            continue
        row[at_unit] = row[at_unit].pk
        row[at_received] = row[at_received].isoformat()
        row[at_comment] = str(row[at_comment] or "")[:COMMENT_LIMIT]
        row[at_score] = LEVEL_SCORES[row[at_level]]
        row[at_receipt] = new_receipt()
        if row[at_level] in BAD_LEVELS:
            bad_receipts.append(row[at_receipt])
        rows.append(row)
    return rows, bad_receipts, problems


def _store(rows, bad_receipts, *, batch_size):
    """COPY the rows a batch at a time. Receipts are drawn at random: a clash with a stored
    one (or within the batch) refuses that batch only (a savepoint), to be redrawn."""
    fields = [f for f in Rating._meta.concrete_fields if not f.primary_key]
    at_receipt = [f.name for f in fields].index("receipt")
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        for attempt in range(3):
            try:
                with transaction.atomic():
                    insert_rows(Rating, fields, batch)
                break
            except IntegrityError:
                if attempt == 2 or not _redraw_taken_receipts(batch, at_receipt, bad_receipts):
                    raise


def _redraw_taken_receipts(batch, at, bad_receipts) -> bool:
    """Redraw every receipt of the batch already stored or drawn twice in it (one indexed
    query); whether any was. A bad rating's receipt is replaced in ``bad_receipts`` too."""
    taken = set(
        Rating.objects.filter(receipt__in=[row[at] for row in batch]).values_list(
            "receipt", flat=True
        )
    )
    seen, clashes = set(), []
    for row in batch:
        if row[at] in taken or row[at] in seen:
            clashes.append(row)
        seen.add(row[at])
    bad = set(bad_receipts)
    for row in clashes:
        old, row[at] = row[at], new_receipt()
        if old in bad:
            bad_receipts[bad_receipts.index(old)] = row[at]
    return bool(clashes)


def content_digest(dataset) -> str:
    """The rows as read, not the file's bytes: the same survey re-saved is the same. (One
    encoder for every row: json.dumps with options builds a new one per call. The bytes
    hashed are unchanged, so digests stored by earlier imports still match.)"""
    encode = json.JSONEncoder(default=str, ensure_ascii=False).encode
    text = "".join(encode(list(row)) + "\n" for row in [dataset.headers, *dataset])
    return hashlib.sha256(text.encode()).hexdigest()


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
