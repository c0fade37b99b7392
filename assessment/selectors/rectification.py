"""Rectification notices and the negative list, as each user may see them."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from units.selectors import scope_of, units_visible_to

from ..models import NegativeListEntry, Rectification


def rectifications_visible_to(user) -> QuerySet:
    """Committee and leaders see all; a unit administrator the unit's notices; a secretary
    the notices addressed to the own branch; a 党组书记 (reading) the unit's, a 党组成员 those
    of the branches they answer for."""
    scope = scope_of(user)
    notices = Rectification.objects.select_related("unit", "branch", "plan")
    if scope.sees_everything:
        return notices
    return notices.filter(
        Q(unit_id__in=scope.unit_ids | scope.party_unit_ids)
        | Q(branch_id__in=scope.branch_ids | scope.member_branch_ids)
    )


def overdue_q(today=None) -> Q:
    today = today or timezone.localdate()
    return Q(deadline__lt=today) & ~Q(status=Rectification.Status.VERIFIED)


def rate(notices: QuerySet, today=None) -> dict:
    """Rectification rate (verified ÷ issued) and overdue count, in one query."""
    figures = notices.aggregate(
        issued=Count("pk"),
        verified=Count("pk", filter=Q(status=Rectification.Status.VERIFIED)),
        overdue=Count("pk", filter=overdue_q(today)),
    )
    figures["rate"] = (
        round(100 * figures["verified"] / figures["issued"], 1) if figures["issued"] else None
    )
    return figures


def rate_by_unit(notices: QuerySet, today=None) -> list:
    rows = list(
        notices.values("unit", "unit__name")
        .annotate(
            issued=Count("pk"),
            verified=Count("pk", filter=Q(status=Rectification.Status.VERIFIED)),
            overdue=Count("pk", filter=overdue_q(today)),
        )
        .order_by("unit__name")
    )
    for row in rows:
        row["rate"] = round(100 * row["verified"] / row["issued"], 1) if row["issued"] else None
    return rows


def negative_list_visible_to(user) -> QuerySet:
    return NegativeListEntry.objects.filter(unit__in=units_visible_to(user)).select_related(
        "unit", "plan", "created_by"
    )
