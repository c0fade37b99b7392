"""Keep the ledger's citizen-case problems in step with the feedback app's cases."""

from django.dispatch import receiver

from feedback.signals import calendar_changed, case_moved, cases_opened, cases_rescheduled

from .services import ledger


@receiver(cases_opened, dispatch_uid="ledger_cases_opened")
def _cases_opened(sender, cases, **kwargs):
    ledger.problems_for_cases(cases)


@receiver(case_moved, dispatch_uid="ledger_case_moved")
def _case_moved(sender, case, user=None, **kwargs):
    ledger.follow_case(case, user=user)


@receiver(cases_rescheduled, dispatch_uid="ledger_cases_rescheduled")
def _cases_rescheduled(sender, cases, **kwargs):
    ledger.reschedule_cases(cases)


@receiver(calendar_changed, dispatch_uid="ledger_calendar_changed")
def _calendar_changed(sender, **kwargs):
    ledger.settle_deadlines()
