"""Celery tasks: thin wrappers taking ids. The work is in ``reports.services``.

Every task is acknowledged late and rejected when its worker dies (settings), so it may run
twice: the services make a second run harmless and count attempts against a cap.
Transient faults (database, connection, file system) are retried with exponential backoff.
"""

from celery import shared_task

from . import services

# Seconds. A unit's PDF takes well under one; a batch task only fans out; a bulletin of
# every unit a few seconds. The hard limit kills the child process (the message then comes
# back, see acks_late / reject_on_worker_lost); the soft one lets the job record the error.
REPORT_LIMITS = {"soft_time_limit": 240, "time_limit": 300}
PART_LIMITS = {"soft_time_limit": 60, "time_limit": 90}


def _again_inline(task, object_id):
    """Inline mode (no broker): run the next attempt now. Celery's own eager retry would
    re-raise under task_eager_propagates; the attempt cap still bounds the recursion."""
    return task.apply(args=[object_id], retries=task.request.retries + 1, throw=False).result


@shared_task(bind=True, acks_late=True, max_retries=None, **REPORT_LIMITS)
def run_report(self, job_id):
    try:
        return services.run_job(job_id)
    except services.TRANSIENT_ERRORS as exc:
        countdown = services.backoff_seconds(self.request.retries)
        if services.schedule_retry(job_id, exc, countdown):
            if self.request.is_eager:
                return _again_inline(self, job_id)
            raise self.retry(exc=exc, countdown=countdown) from exc
        return "failed"
    except Exception as exc:  # recorded on the job; the job list shows it
        services.fail_job(job_id, exc)
        return "failed"


@shared_task(bind=True, acks_late=True, max_retries=None, **PART_LIMITS)
def run_report_part(self, part_id):
    try:
        return services.run_part(part_id)
    except services.TRANSIENT_ERRORS as exc:
        if services.part_may_retry(part_id):
            if self.request.is_eager:
                return _again_inline(self, part_id)
            countdown = services.backoff_seconds(self.request.retries)
            raise self.retry(exc=exc, countdown=countdown) from exc
        services.fail_part(part_id, exc)
        return "failed"
    except Exception as exc:
        services.fail_part(part_id, exc)
        return "failed"


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def sweep_stale_reports():
    return services.sweep_stale()


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def request_period_reports():
    return [job.pk for job in services.auto_request()]
