"""Which report jobs a user may see and download."""

from django.db.models import Q, QuerySet

from units.selectors import scope_of

from .models import ReportJob

Kind = ReportJob.Kind


def requestable_kinds(user) -> list:
    """Kinds this user may ask for. Leaders and read-only tokens ask for none; a token
    limited to one unit asks as that unit's administrator, whatever its user's role."""
    scope = scope_of(user)
    if scope.read_only:
        return []
    if scope.acts_as_committee:
        return list(Kind)
    kinds = []
    if scope.is_unit_admin:
        kinds += [Kind.SCORECARD, Kind.FEEDBACK_SHEET]
    elif scope.is_secretary:
        kinds += [Kind.FEEDBACK_SHEET]
    return kinds


def may_request_report(user, kind) -> bool:
    return kind in requestable_kinds(user)


def jobs_visible_to(user) -> QuerySet[ReportJob]:
    """Committee staff and leaders: every job. A unit administrator: the own unit's
    scorecards and its branches' feedback sheets. A secretary: the own branch's feedback
    sheets. Nobody else: none."""
    scope = scope_of(user)
    jobs = ReportJob.objects.all()
    if scope.sees_everything:
        return jobs
    visible = Q(pk__in=[])
    if scope.unit_ids:
        visible |= Q(scope=ReportJob.Scope.UNIT, unit_id__in=scope.unit_ids)
        visible |= Q(scope=ReportJob.Scope.BRANCH, branch__unit_id__in=scope.unit_ids)
    if scope.branch_ids:
        visible |= Q(kind=ReportJob.Kind.FEEDBACK_SHEET, branch_id__in=scope.branch_ids)
    return jobs.filter(visible)


def job_list(user, *, kind=None, status=None, period=None) -> QuerySet[ReportJob]:
    jobs = jobs_visible_to(user).select_related(
        "period__plan", "unit", "branch__unit", "requested_by"
    )
    if kind:
        jobs = jobs.filter(kind=kind)
    if status:
        jobs = jobs.filter(status=status)
    if period:
        jobs = jobs.filter(period=period)
    return jobs.order_by("-requested_at", "-pk")


def job_statuses(user, ids) -> list[ReportJob]:
    """The jobs the poller asks about, limited to those the user may see (one query)."""
    return list(jobs_visible_to(user).filter(pk__in=list(ids)[:100]).order_by("pk"))
