"""The committee's review queue: what awaits review, filtered, in a fixed number of queries."""

from django.db.models import Q, QuerySet

from units.selectors import scope_of

from ..models import Submission
from .submissions import submissions_visible_to

AWAITING = "awaiting"


def awaiting_review_q() -> Q:
    """Submitted items reach the committee directly, or after the unit's check when the
    year's plan requires it."""
    return Q(status=Submission.Status.UNIT_CHECKED) | Q(
        status=Submission.Status.SUBMITTED, period__plan__require_unit_check=False
    )


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
