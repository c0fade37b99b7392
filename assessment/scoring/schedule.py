"""What is recomputed, and when: after a review, and after a period closes, is published or
reopens. Recomputes run as Celery tasks once the transaction commits (inline in tests and
``make run``); the reach of a review is ``rules.reach_of``."""

from django.db import transaction

from ..models import Period
from ..tasks import recompute_plan_scores, recompute_reviewed_scores
from . import pending, rules


def _waiting(key):
    """The recompute this transaction already enqueues on commit under ``key``, if any."""
    for entry in transaction.get_connection().run_on_commit:
        if getattr(entry[1], "score_key", None) == key:
            return entry[1]
    return None


def after_review(submission) -> None:
    """Once the review's transaction commits, recompute the reviewed submission's unit as
    far as ``rules.reach_of`` says.

    Coalesced: the items reviewed in one transaction (a bulk accept) enqueue one task per
    period and reach, for all their units; across transactions at most one recompute per
    (period, unit, reach) waits in the queue (``pending``)."""
    reach = rules.reach_of(submission.period.status, submission.indicator.kind)
    key = (submission.period_id, reach)
    waiting = _waiting(key)
    if waiting is not None:
        waiting.unit_ids.add(submission.unit_id)
        return

    def enqueue():
        period_id, reach = enqueue.score_key
        units = pending.claim(period_id, enqueue.unit_ids, reach)
        if not units:
            return  # each unit has a recompute waiting that will read this review
        try:
            recompute_reviewed_scores.delay(period_id, units, reach)
        except Exception:
            pending.release(period_id, units, reach)  # an outage must not block later ones
            raise

    enqueue.score_key = key
    enqueue.unit_ids = {submission.unit_id}
    # robust: a broker outage is logged, never turns the committed review into an error page
    transaction.on_commit(enqueue, robust=True)


def after_period_moved(period: Period, from_status: str, to_status: str) -> None:
    """Half-year and annual scores read only finished quarters, and publishing recomputes
    its period: after a close, a publish or a reopening (not a first opening), once
    committed, recompute the plan — once per transaction, however many of its periods
    moved."""
    if from_status == Period.Status.DRAFT:
        return
    key = ("plan", period.plan_id)
    if _waiting(key) is not None:
        return  # moves in one transaction (closing Q1–Q4 at once) recompute the plan once

    def enqueue():
        recompute_plan_scores.delay(period.plan_id)

    enqueue.score_key = key
    transaction.on_commit(enqueue, robust=True)
