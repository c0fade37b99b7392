"""The committee's review queue: what awaits review, filtered, in a fixed number of queries."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from units.selectors import scope_of

from ..models import Submission
from ..rules import unusual
from .duty import confirmed_q
from .submissions import may_check_for_unit, submissions_visible_to

AWAITING = "awaiting"


def may_review(user, submission=None) -> bool:
    """Accepting, scoring and bulk-accepting items: committee staff over every unit."""
    return scope_of(user).acts_as_committee


def may_return(user, submission) -> bool:
    """Returning an item to its branch: the committee, or the unit's administrators at
    their check."""
    return may_review(user, submission) or may_check_for_unit(user, submission)


def awaiting_review_q() -> Q:
    """Submitted items reach the committee directly, or after the unit's check when the
    year's plan requires it, and (half-year and annual, when the plan asks) once the unit's
    党组书记 has signed (签字确认)."""
    return (
        Q(status=Submission.Status.UNIT_CHECKED)
        | Q(status=Submission.Status.SUBMITTED, period__plan__require_unit_check=False)
    ) & confirmed_q()


def awaiting_unit_check_q(unit_ids) -> Q:
    return Q(
        status=Submission.Status.SUBMITTED,
        period__plan__require_unit_check=True,
        unit_id__in=unit_ids,
    )


def review_queue(
    user, *, period=None, unit=None, category=None, standard="", goal="", status=AWAITING
) -> QuerySet:
    submissions = submissions_visible_to(user).select_related(
        "indicator", "branch", "unit", "period__plan"
    )
    if period is not None:
        submissions = submissions.filter(period=period)
    if status == AWAITING:
        scope = scope_of(user)
        if scope.committee or scope.leader:
            submissions = submissions.filter(awaiting_review_q())
        else:
            submissions = submissions.filter(awaiting_unit_check_q(scope.unit_ids))
    elif status:
        submissions = submissions.filter(status=status)
    else:
        submissions = submissions.exclude(status=Submission.Status.DRAFT)
    if unit is not None:
        submissions = submissions.filter(unit=unit)
    if category is not None:
        submissions = submissions.filter(unit__category=category)
    if standard:
        submissions = submissions.filter(indicator__standard=standard)
    if goal:
        submissions = submissions.filter(indicator__goal=goal)
    return submissions.order_by("submitted_at", "pk")


def awaiting_count(user, period=None) -> int:
    return review_queue(user, period=period).count()


def value_flags(submission) -> list[str]:
    """Why a reported number looks unusual (assessment.rules.unusual), in two queries: far
    from the same branch's (or unit's) values of the same item code in earlier periods, or
    from its peers' values of the same item in the same period."""
    if submission.value is None:
        return []
    own = Submission.objects.filter(
        indicator__code=submission.indicator.code,
        unit_id=submission.unit_id,
        branch_id=submission.branch_id,
        period__opens_on__lt=submission.period.opens_on,
        value__isnull=False,
    ).values_list("value", flat=True)
    peers = (
        Submission.objects.filter(
            period_id=submission.period_id,
            indicator_id=submission.indicator_id,
            value__isnull=False,
        )
        .exclude(pk=submission.pk)
        .values_list("value", flat=True)
    )
    flags = []
    if unusual(submission.value, list(own)):
        flags.append(_("与本支部往期数值相差很大，请核实"))
    if unusual(submission.value, list(peers)):
        flags.append(_("与同期其他填报单位相差很大，请核实"))
    return flags
