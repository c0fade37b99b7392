"""Celery tasks of the assessment app: thin wrappers over services, safe to run twice."""

from celery import shared_task
from django.db import transaction

from .models import Period
from .services import reminders, signals


@shared_task
def send_deadline_reminders():
    """Run daily by Celery beat (CELERY_BEAT_SCHEDULE)."""
    return reminders.send_deadline_reminders()


@shared_task
def send_return_reminder(submission_id: int, version: int):
    return reminders.send_return_reminder(submission_id, version)


# --- scores (issue 5) ---


@shared_task
def recompute_reviewed_scores(period_id: int, unit_ids: list, reach: str):
    """Recompute what reviews touched; recomputing twice gives the same rows."""
    from .services import scoring

    return scoring.recompute_reviewed(period_id, unit_ids, reach)


@shared_task
def recompute_plan_scores(plan_id: int):
    from .models import AnnualPlan
    from .services import scoring

    plan = AnnualPlan.objects.filter(pk=plan_id).first()
    return scoring.recompute_plan(plan) if plan else 0


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
