"""Celery tasks of the assessment app: thin wrappers over services, safe to run twice."""

from celery import shared_task
from django.db import transaction

from .models import AnnualPlan, Period
from .scoring import engine
from .services import measures, reminders, signals


@shared_task
def send_deadline_reminders():
    """Run daily by Celery beat (CELERY_BEAT_SCHEDULE)."""
    return reminders.send_deadline_reminders()


@shared_task
def send_return_reminder(submission_id: int, version: int):
    return reminders.send_return_reminder(submission_id, version)


@shared_task
def record_measures(period_id: int):
    """系统取数 for one open period as the platform account; a rerun writes only changes."""
    period = Period.objects.filter(pk=period_id, status=Period.Status.OPEN).first()
    if period is None:
        return 0
    outcome = measures.record_measures(period, by=measures.platform_account())
    return outcome.created + outcome.updated


@shared_task
def record_open_measures():
    """Run daily by Celery beat: every open period's measured items follow the platform."""
    for period_id in Period.objects.filter(status=Period.Status.OPEN).values_list("pk", flat=True):
        record_measures.delay(period_id)


@shared_task
def recompute_reviewed_scores(period_id: int, unit_ids: list, reach: str):
    """Recompute what reviews touched; recomputing twice gives the same rows."""
    return engine.recompute_reviewed(period_id, unit_ids, reach)


@shared_task
def recompute_plan_scores(plan_id: int):
    plan = AnnualPlan.objects.filter(pk=plan_id).first()
    return engine.recompute_plan(plan) if plan else 0


# --- signals of formalism (issue 19) ---


@shared_task
def check_branch_signals(period_id: int, branch_id: int):
    """After a branch submits: its items' signals. Running twice gives the same rows."""
    period = Period.objects.filter(pk=period_id).select_related("plan").first()
    return signals.check_submissions(period, branch_id) if period else 0


def after_branch_submitted(period_id: int, branch_id: int):
    """Check the branch's signals once the submission is committed; a broker that is down
    loses the check (the period's bulk run catches up), never the submission."""

    def enqueue():
        check_branch_signals.delay(period_id, branch_id)

    transaction.on_commit(enqueue, robust=True)


@shared_task
def compute_period_signals(period_id: int):
    period = Period.objects.filter(pk=period_id).select_related("plan").first()
    return signals.compute_period(period) if period else 0


def recompute_period_signals(period_id: int):
    """All signals of a period, in the worker, once the request is committed."""

    def enqueue():
        compute_period_signals.delay(period_id)

    transaction.on_commit(enqueue)
