"""Joint inspection reads: the items of a round, its pool, and the drawn plan."""

from django.db.models import Count, QuerySet

from ..models import (
    InspectionAssignment,
    InspectionRound,
    InspectorScore,
    RoundInspector,
    Submission,
)

# Items with something to inspect: a draft has not been sent yet.
INSPECTABLE = (
    Submission.Status.SUBMITTED,
    Submission.Status.UNIT_CHECKED,
    Submission.Status.ACCEPTED,
)


def round_items(round_: InspectionRound) -> QuerySet[Submission]:
    return Submission.objects.filter(
        period_id=round_.period_id,
        unit__in=round_.units.all(),
        status__in=INSPECTABLE,
    ).order_by("unit_id", "indicator__position", "pk")


def round_pool(round_: InspectionRound) -> QuerySet[RoundInspector]:
    """The round's inspectors with their item counts, lightest load first."""
    return (
        RoundInspector.objects.filter(round=round_)
        .select_related("user", "unit")
        .annotate(item_count=Count("assignments"))
        .order_by("item_count", "unit__name", "pk")
    )


def round_plan(round_: InspectionRound) -> QuerySet[InspectionAssignment]:
    """Every assignment of the round, as the plan page lists it."""
    return (
        InspectionAssignment.objects.filter(round=round_)
        .select_related(
            "submission__unit",
            "submission__branch",
            "submission__indicator",
            "inspector__user",
            "inspector__unit",
        )
        .order_by("submission__unit__name", "submission__indicator__position", "submission_id")
    )


def rounds_list() -> QuerySet[InspectionRound]:
    return InspectionRound.objects.select_related("period__plan").annotate(
        unit_count=Count("units", distinct=True),
        assignment_count=Count("assignments", distinct=True),
    )


def assignments_of(user) -> QuerySet[InspectionAssignment]:
    """A 联检评审员's own items, and only while their round is published (检查中)."""
    return (
        InspectionAssignment.objects.filter(
            inspector__user=user, round__status=InspectionRound.Status.PUBLISHED
        )
        .select_related("round", "submission__unit", "submission__branch", "submission__indicator")
        .order_by("round_id", "submission__unit__name", "submission__indicator__position")
    )


def team_scores(assignment: InspectionAssignment):
    """The other inspectors' scores of the same item: hidden (None) until one's own is saved."""
    if not InspectorScore.objects.filter(assignment=assignment).exists():
        return None
    return (
        InspectorScore.objects.filter(
            assignment__round_id=assignment.round_id,
            assignment__submission_id=assignment.submission_id,
        )
        .exclude(assignment=assignment)
        .select_related("assignment__inspector__user")
        .order_by("assignment__inspector_id")
    )


def inspector_worklist(user) -> list[dict]:
    """The inspector's open items with their own score and, once it is saved, the team's.

    Two queries whatever the number of items."""
    assignments = list(assignments_of(user))
    scores = InspectorScore.objects.filter(
        assignment__round_id__in={a.round_id for a in assignments},
        assignment__submission_id__in={a.submission_id for a in assignments},
    ).select_related("assignment__inspector__user")
    by_item = {}
    for score in scores:
        key = (score.assignment.round_id, score.assignment.submission_id)
        by_item.setdefault(key, []).append(score)
    rows = []
    for assignment in assignments:
        team = by_item.get((assignment.round_id, assignment.submission_id), [])
        own = next((s for s in team if s.assignment_id == assignment.pk), None)
        others = [s for s in team if s.assignment_id != assignment.pk] if own else None
        rows.append({"assignment": assignment, "own": own, "others": others})
    return rows
