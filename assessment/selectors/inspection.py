"""Joint inspection reads: the items of a round, its pool, and the drawn plan."""

from django.db.models import Count, Exists, F, OuterRef, QuerySet

from units.models import Role

from ..agreement import Rated, report
from ..inspection import Inspector, Item, may_inspect
from ..models import (
    ConflictDeclaration,
    Evidence,
    InspectionAssignment,
    InspectionFinding,
    InspectionRound,
    InspectionVerdict,
    InspectorScore,
    RoundInspector,
    Standard,
    Submission,
)

# Items with something to inspect: a draft has not been sent yet.
INSPECTABLE = (
    Submission.Status.SUBMITTED,
    Submission.Status.UNIT_CHECKED,
    Submission.Status.ACCEPTED,
)


def round_items(round_: InspectionRound) -> QuerySet[Submission]:
    """The sent items of the inspected units, narrowed to the chosen standards if any."""
    items = Submission.objects.filter(
        period_id=round_.period_id,
        unit__in=round_.units.all(),
        status__in=INSPECTABLE,
    )
    if round_.item_selection == InspectionRound.ItemSelection.STANDARDS:
        items = items.filter(indicator__standard__in=round_.standards)
    return items.order_by("unit_id", "indicator__position", "pk")


def round_pool(round_: InspectionRound) -> QuerySet[RoundInspector]:
    """The round's inspectors with their item counts, lightest load first."""
    return (
        RoundInspector.objects.filter(round=round_)
        .select_related("user", "unit")
        .annotate(item_count=Count("assignments"))
        .order_by("item_count", "unit__name", "pk")
    )


def round_conflict_pairs(round_: InspectionRound) -> set[tuple[int, int]]:
    """(round inspector id, unit id) of every declared conflict (回避) of the round."""
    return set(
        ConflictDeclaration.objects.filter(inspector__round=round_).values_list(
            "inspector_id", "unit_id"
        )
    )


def swap_choices(round_: InspectionRound, plan, pool) -> dict[int, list[RoundInspector]]:
    """{assignment id: the inspectors it may be swapped to}: those the drawing rule allows
    for its unit (assessment.inspection.may_inspect, as the swap service checks), not
    already on the item's team; none once it is scored. Two queries for the whole plan."""
    conflicts = round_conflict_pairs(round_)
    scored = set(
        InspectorScore.objects.filter(assignment__round=round_).values_list(
            "assignment_id", flat=True
        )
    )
    teams = {}
    for assignment in plan:
        teams.setdefault(assignment.submission_id, set()).add(assignment.inspector_id)
    choices = {}
    for assignment in plan:
        if assignment.pk in scored:  # a scored assignment keeps its inspector
            choices[assignment.pk] = []
            continue
        unit = assignment.submission.unit
        item = Item(assignment.submission_id, unit.pk, unit.group_id)
        choices[assignment.pk] = [
            inspector
            for inspector in pool
            if inspector.pk not in teams[assignment.submission_id]
            and may_inspect(
                Inspector(inspector.pk, inspector.unit_id, inspector.unit.group_id),
                item,
                round_.rule,
                conflicts,
            )
        ]
    return choices


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
            inspector__user_id=user.pk, round__status=InspectionRound.Status.PUBLISHED
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


def team_scores_of(assignments) -> QuerySet[InspectorScore]:
    """Every score of the items of these assignments, in one query."""
    return (
        InspectorScore.objects.filter(
            assignment__round_id__in={a.round_id for a in assignments},
            assignment__submission_id__in={a.submission_id for a in assignments},
        )
        .select_related("assignment__inspector__user")
        .order_by("assignment__inspector_id")
    )


def inspector_worklist(user) -> list[dict]:
    """The inspector's open items with their own score and, once it is saved, the team's.

    Two queries whatever the number of items."""
    assignments = list(assignments_of(user))
    scores = (
        InspectorScore.objects.filter(
            assignment__round_id__in={a.round_id for a in assignments},
            assignment__submission_id__in={a.submission_id for a in assignments},
        )
        .select_related("assignment__inspector__user")
        .order_by("assignment__inspector_id")
    )
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


def is_inspector(user) -> bool:
    """Whether the user is a 联检评审员 with items in a round now open (for the nav)."""
    return user.is_authenticated and assignments_of(user).exists()


def open_assignment(user, pk) -> InspectionAssignment:
    """One of the user's own assignments of an open round, or DoesNotExist (a 404)."""
    return (
        assignments_of(user)
        .select_related("inspector", "submission__indicator", "submission__period")
        .get(pk=pk)
    )


def verdict_of(assignment: InspectionAssignment):
    return InspectionVerdict.objects.filter(
        round_id=assignment.round_id, submission_id=assignment.submission_id
    ).first()


def inspected_evidence_of(user) -> QuerySet[Evidence]:
    """Evidence files of the items assigned to the user in rounds now open: the evidence
    access rule lets an inspector open these and no other."""
    return Evidence.objects.filter(
        submissions__in=InspectionAssignment.objects.filter(
            inspector__user_id=user.pk, round__status=InspectionRound.Status.PUBLISHED
        ).values("submission_id")
    )


def findings_of(assignment: InspectionAssignment) -> QuerySet[InspectionFinding]:
    return InspectionFinding.objects.filter(assignment=assignment).select_related("problem")


def round_ratings(round_: InspectionRound, *, submission_ids=None) -> dict:
    """{submission id: (Rated, {inspector id: name})} of every scored item, in one query."""
    scores = InspectorScore.objects.filter(assignment__round=round_).values_list(
        "assignment__submission_id",
        "assignment__inspector_id",
        "assignment__inspector__user__full_name",
        "assignment__inspector__user__username",
        "score",
        "assignment__submission__indicator__max_score",
        "assignment__submission__indicator__standard",
    )
    if submission_ids is not None:
        scores = scores.filter(assignment__submission_id__in=submission_ids)
    scores = scores.order_by("assignment__submission_id", "assignment__inspector_id")
    decided = dict(
        InspectionVerdict.objects.filter(round=round_, score__isnull=False).values_list(
            "submission_id", "score"
        )
    )
    result = {}
    for submission_id, rater, full_name, username, score, max_score, standard in scores:
        if submission_id not in result:
            rated = Rated(submission_id, max_score, {}, standard, decided.get(submission_id))
            result[submission_id] = (rated, {})
        result[submission_id][0].scores[rater] = score
        result[submission_id][1][rater] = full_name or username
    return result


def scored_items(round_: InspectionRound) -> QuerySet[Submission]:
    """Items every assigned inspector has scored that have no verdict yet."""
    complete = (
        InspectionAssignment.objects.filter(round=round_)
        .values("submission_id")
        .annotate(total=Count("pk"), scored=Count("score"))
        .filter(total=F("scored"))
        .values("submission_id")
    )
    settled = InspectionVerdict.objects.filter(round=round_, submission=OuterRef("pk"))
    return (
        Submission.objects.filter(pk__in=complete)
        .exclude(Exists(settled))
        .select_related("indicator")
        .order_by("pk")
    )


def _percent(share):
    return None if share is None else round(share * 100, 1)


def _figures_row(label, figures):
    return {
        "label": label,
        "items": figures.items,
        "within": figures.within,
        "share_within": _percent(figures.share_within),
        "mean_abs_diff": _percent(figures.mean_abs_diff),
        "icc": None if figures.icc is None else round(figures.icc, 2),
    }


# An inspector whose mean offset is at least this share of full marks is flagged.
LENIENCY_FLAG = 0.06


def round_figures(round_: InspectionRound) -> dict:
    """Agreement per 六实 standard and overall (shares and differences in % of full marks,
    ICC(1,1)), and each inspector's leniency; two queries whatever the round's size."""
    ratings = round_ratings(round_)
    result = report((rated for rated, _names in ratings.values()), round_.tolerance)
    standards = dict(Standard.choices)
    pool = {i.pk: i for i in round_pool(round_)}
    leniency = sorted(
        (
            {
                "inspector": pool[rater],
                "items": entry.items,
                "offset": entry.offset,
                "offset_pct": _percent(entry.offset),
                "flag": (
                    "lenient"
                    if (entry.offset or 0) >= LENIENCY_FLAG
                    else "severe"
                    if (entry.offset or 0) <= -LENIENCY_FLAG
                    else ""
                ),
            }
            for rater, entry in result.leniency.items()
            if rater in pool
        ),
        key=lambda row: -(row["offset"] or 0),
    )
    return {
        "overall": result.overall,
        "overall_row": _figures_row("", result.overall),
        "by_standard": [
            _figures_row(standards.get(code, "—"), figures)
            for code, figures in result.by_group.items()
        ],
        "leniency": leniency,
    }


def arbitration_queue(round_: InspectionRound) -> list[dict]:
    """Items waiting for staff to decide, with every inspector's score and comment."""
    verdicts = list(
        InspectionVerdict.objects.filter(round=round_, outcome=InspectionVerdict.Outcome.PENDING)
        .select_related("submission__unit", "submission__branch", "submission__indicator")
        .order_by("submission__unit__name", "submission__indicator__position")
    )
    scores = InspectorScore.objects.filter(
        assignment__round=round_,
        assignment__submission_id__in=[v.submission_id for v in verdicts],
    ).select_related("assignment__inspector__user", "assignment__inspector__unit")
    by_item = {}
    for score in scores.order_by("assignment__inspector_id"):
        by_item.setdefault(score.assignment.submission_id, []).append(score)
    return [{"verdict": v, "scores": by_item.get(v.submission_id, [])} for v in verdicts]


def verdict_counts(round_: InspectionRound) -> dict:
    counts = dict(
        InspectionVerdict.objects.filter(round=round_)
        .values_list("outcome")
        .annotate(n=Count("pk"))
    )
    return {outcome: counts.get(outcome, 0) for outcome in InspectionVerdict.Outcome.values}


def inspector_candidates(units=None) -> list[tuple]:
    """(user, unit) of the people who may be named inspectors: unit administrators and
    branch secretaries, each with the unit they belong to; one query."""
    roles = Role.objects.filter(
        kind__in=(Role.Kind.UNIT_ADMIN, Role.Kind.SECRETARY), user__is_active=True
    ).select_related("user", "unit", "branch__unit")
    seen, result = set(), []
    for role in roles.order_by("user__full_name", "user__username", "pk"):
        unit = role.unit if role.unit_id else role.branch.unit
        if role.user_id in seen or (units is not None and unit.pk not in units):
            continue
        seen.add(role.user_id)
        result.append((role.user, unit))
    return sorted(result, key=lambda pair: (pair[1].name, pair[0].display_name))


def round_conflicts(round_: InspectionRound):
    return ConflictDeclaration.objects.filter(inspector__round=round_).select_related(
        "inspector__user", "unit"
    )
