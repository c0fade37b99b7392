"""为基层减负: record the time a secretary spends on an item (edit sessions)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from .. import burden as rules
from ..models import EditSession, Submission


@transaction.atomic
def record_edit(submission: Submission, *, by, typed_ms=None, now=None) -> EditSession:
    """A save of the item by its secretary: extend the running edit session or start one.
    `typed_ms` is what the form reports: milliseconds since the first keystroke after the
    previous save (capped, see assessment/burden.py). Nothing else is kept."""
    now = now or timezone.now()
    typed = dt.timedelta(milliseconds=max(0, int(typed_ms or 0)))
    last = (
        EditSession.objects.select_for_update()
        .filter(submission=submission, by=by)
        .order_by("-ended_at", "-pk")
        .first()
    )
    start, end, new = rules.continue_session(
        last.started_at if last else None, last.ended_at if last else None, now, typed
    )
    seconds = int((end - start).total_seconds())
    if new or last is None:
        return EditSession.objects.create(
            submission=submission, by=by, started_at=start, ended_at=end, seconds=seconds
        )
    last.ended_at, last.seconds = end, seconds
    last.save(update_fields=["ended_at", "seconds"])
    return last
