"""Queries for quarterly evidence: a branch's board, progress, history, who sees which file."""

from collections import OrderedDict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.models import Branch
from units.selectors import branches_visible_to, scope_of, units_visible_to

from ..models import Evidence, Period, Standard, Submission, SubmissionEvent
from .inspection import inspected_evidence_of
from .plans import items_for

DONE = {Submission.Status.SUBMITTED, Submission.Status.UNIT_CHECKED, Submission.Status.ACCEPTED}
NOT_STARTED = "not_started"
# What 「保存并填下一项」 still has to visit: the secretary's unfinished work.
UNFINISHED = {NOT_STARTED, Submission.Status.DRAFT, Submission.Status.RETURNED}
STATUS_BADGES = {
    NOT_STARTED: "badge-muted",
    Submission.Status.DRAFT: "badge-info",
    Submission.Status.SUBMITTED: "badge-warn",
    Submission.Status.UNIT_CHECKED: "badge-warn",
    Submission.Status.RETURNED: "badge-bad",
    Submission.Status.ACCEPTED: "badge-ok",
}


def open_periods() -> QuerySet:
    return (
        Period.objects.filter(status=Period.Status.OPEN)
        .select_related("plan")
        .order_by("deadline", "pk")
    )


def period_items(period, category):
    return items_for(period, category=category)


def submissions_visible_to(user) -> QuerySet:
    scope = scope_of(user)
    submissions = Submission.objects.all()
    if scope.sees_everything:
        return submissions
    return submissions.filter(
        Q(branch__in=branches_visible_to(user))
        | Q(branch__isnull=True, unit_id__in=scope.unit_ids | scope.party_unit_ids)
    )


def evidence_visible_to(user) -> QuerySet:
    """Files of the branches in the user's scope; unit-level files (rectification answers)
    only to the unit's administrators and 党组书记 and to those who see everything; and to a
    联检评审员 the files of their items while the round is open."""
    scope = scope_of(user)
    evidence = Evidence.objects.all()
    if scope.sees_everything:
        return evidence
    return evidence.filter(
        Q(branch__in=branches_visible_to(user))
        | Q(branch__isnull=True, unit_id__in=scope.unit_ids | scope.party_unit_ids)
        | Q(pk__in=inspected_evidence_of(user).values("pk"))
    )


def may_edit_branch(user, branch) -> bool:
    """Only the branch's own secretary writes its evidence (never through a read-only token)."""
    scope = scope_of(user)
    return not scope.read_only and branch.pk in scope.branch_ids


def may_store_evidence(user, unit, branch=None, period=None) -> bool:
    """A quarter's evidence (a period): the branch's own secretary. A file without a period
    (a rectification answer): whoever handles the unit's business, or the branch's secretary."""
    if branch is not None and branch.unit_id != unit.pk:
        return False
    branch_writes = branch is not None and may_edit_branch(user, branch)
    if period is not None:
        return branch_writes
    return branch_writes or scope_of(user).handles_unit(unit.pk)


def may_check_for_unit(user, submission) -> bool:
    """The unit's check (pass on to the committee, or return): the unit's administrators."""
    scope = scope_of(user)
    return not scope.read_only and submission.unit_id in scope.unit_ids


def may_comment(user, submission) -> bool:
    """Comments on an item: committee staff and the unit's administrators."""
    return scope_of(user).handles_unit(submission.unit_id)


def is_asked_of(period, branch, indicator) -> bool:
    """Whether the item is one the branch reports in this period (its unit's category)."""
    return period_items(period, branch.unit.category).filter(pk=indicator.pk).exists()


def foreign_files(period, branch, evidence) -> list:
    """The ids among ``evidence`` that are not files of this branch and period."""
    ids = {e.pk for e in evidence}
    if not ids:
        return []
    own = set(branch_files(period, branch).filter(pk__in=ids).values_list("pk", flat=True))
    return sorted(ids - own)


@dataclass
class BoardRow:
    item: object
    submission: Submission | None
    evidence_count: int = 0

    @property
    def status(self):
        return self.submission.status if self.submission else NOT_STARTED

    @property
    def status_label(self):
        if self.submission is None:
            return _("未开始")
        return self.submission.get_status_display()

    @property
    def badge(self):
        return STATUS_BADGES[self.status]


@dataclass
class Board:
    period: Period
    branch: Branch
    groups: "OrderedDict[str, list[BoardRow]]" = field(default_factory=OrderedDict)
    counts: dict = field(default_factory=dict)

    @property
    def days_left(self):
        return (self.period.deadline - timezone.localdate()).days

    @property
    def days_overdue(self):
        return -self.days_left

    @property
    def total(self):
        return sum(len(rows) for rows in self.groups.values())

    @property
    def done(self):
        return sum(self.counts.get(s, 0) for s in DONE)

    @property
    def percent(self):
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def rows(self) -> list[BoardRow]:
        """Every row in the order the list shows them."""
        return [row for rows in self.groups.values() for row in rows]

    @property
    def ready_to_submit(self):
        return self.counts.get(Submission.Status.DRAFT, 0) + self.counts.get(
            Submission.Status.RETURNED, 0
        )


def board(period, branch) -> Board:
    """The branch's to-do list for the period, grouped by 六实 standard (two queries)."""
    items = list(period_items(period, branch.unit.category))
    submissions = {
        s.indicator_id: s
        for s in Submission.objects.filter(period=period, branch=branch).annotate(
            evidence_count=Count("evidence")
        )
    }
    result = Board(period=period, branch=branch)
    labels = dict(Standard.choices)
    for item in items:
        submission = submissions.get(item.pk)
        row = BoardRow(
            item=item,
            submission=submission,
            evidence_count=getattr(submission, "evidence_count", 0),
        )
        group = str(labels.get(item.standard, "")) or "其他"
        result.groups.setdefault(group, []).append(row)
        result.counts[row.status] = result.counts.get(row.status, 0) + 1
    order = [str(label) for label in labels.values()]
    result.groups = OrderedDict(
        sorted(
            result.groups.items(),
            key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order),
        )
    )
    return result


@dataclass
class ItemWalk:
    """Where an item sits in the branch's list: its neighbours, its position, and the next
    item still to be done, all in the order the list shows them."""

    previous: int | None
    following: int | None
    next_unfinished: int | None
    position: int
    total: int


def item_walk(period, branch, indicator) -> ItemWalk:
    rows = board(period, branch).rows
    ids = [row.item.pk for row in rows]
    index = ids.index(indicator.pk)
    return ItemWalk(
        previous=ids[index - 1] if index > 0 else None,
        following=ids[index + 1] if index + 1 < len(ids) else None,
        next_unfinished=next(
            (row.item.pk for row in rows[index + 1 :] if row.status in UNFINISHED), None
        ),
        position=index + 1,
        total=len(ids),
    )


def previous_answers(period, branch, indicator, limit=4) -> list:
    """The branch's answers to the same item (same code) in earlier periods, newest first."""
    return list(
        Submission.objects.filter(branch=branch, indicator__code=indicator.code)
        .filter(
            Q(period__plan__year__lt=period.plan.year)
            | Q(period__plan__year=period.plan.year, period__opens_on__lt=period.opens_on)
        )
        .select_related("period__plan")
        .order_by("-period__plan__year", "-period__opens_on")[:limit]
    )


def branch_files(period, branch) -> QuerySet:
    return Evidence.objects.filter(branch=branch, period=period).order_by("-uploaded_at")


FIELD_LABELS = {
    "value": _("数值"),
    "narrative": _("情况说明"),
    "self_score": _("自评分"),
    "answer": _("修改说明"),
    "evidence": _("佐证材料"),
    "grade": _("评档"),
    "reviewer_score": _("审核得分"),
    "reviewer_comment": _("审核意见"),
    "is_late": _("逾期"),
}


def _shown(value):
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "—"
    if value is None or value == "":
        return "—"
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    return str(value)


def history(submission) -> list:
    """The item's history, each change as (label, before, after) ready to show."""
    events = list(SubmissionEvent.objects.filter(submission=submission).select_related("by"))
    for event in events:
        event.change_rows = [
            (FIELD_LABELS.get(name, name), _shown(pair[0]), _shown(pair[1]))
            for name, pair in (event.changes or {}).items()
        ]
    return events


def submission_detail(user, pk) -> QuerySet:
    return (
        submissions_visible_to(user)
        .select_related("period__plan", "indicator", "branch", "unit", "reviewed_by")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("pk")))
        .filter(pk=pk)
    )


def branch_progress(period, branches) -> list:
    """Each branch with items expected, submitted, accepted, returned and late (a fixed
    number of queries: the branches, one grouped count over the period's submissions, and
    one per unit category for the item count)."""
    rows = list(
        branches.filter(active=True)
        .select_related("unit", "unit__category")
        .order_by("unit__name", "name")
    )
    # Grouped over the period's submissions (its index), not joined from the branches:
    # the join would read every period's submissions of every branch. Items the platform
    # measures itself are neither expected of a branch nor counted as its work.
    counts = {
        row["branch_id"]: row
        for row in Submission.objects.filter(
            period=period, branch_id__in=[b.pk for b in rows], indicator__measure=""
        )
        .values("branch_id")
        .annotate(
            n_done=Count("pk", filter=Q(status__in=DONE)),
            n_accepted=Count("pk", filter=Q(status="accepted")),
            n_returned=Count("pk", filter=Q(status="returned")),
            n_draft=Count("pk", filter=Q(status="draft")),
            n_late=Count("pk", filter=Q(is_late=True)),
        )
        .order_by()
    }
    for branch in rows:
        found = counts.get(branch.pk, {})
        for name in ("n_done", "n_accepted", "n_returned", "n_draft", "n_late"):
            setattr(branch, name, found.get(name, 0))
    expected = {}
    for branch in rows:
        category = branch.unit.category
        if category.pk not in expected:
            expected[category.pk] = period_items(period, category).count()
        branch.n_expected = expected[category.pk]
        branch.percent = round(100 * branch.n_done / branch.n_expected) if branch.n_expected else 0
    return rows


def unit_progress(period, user) -> list:
    """The open period's progress per unit: completeness and timeliness."""
    rows = branch_progress(period, branches_visible_to(user))
    units = {u.pk: u for u in units_visible_to(user).filter(active=True).select_related("category")}
    result = OrderedDict()
    for branch in rows:
        unit = units.get(branch.unit_id)
        if unit is None:
            continue
        entry = result.setdefault(
            unit.pk,
            {"unit": unit, "branches": 0, "expected": 0, "done": 0, "late": 0, "returned": 0},
        )
        entry["branches"] += 1
        entry["expected"] += branch.n_expected
        entry["done"] += branch.n_done
        entry["late"] += branch.n_late
        entry["returned"] += branch.n_returned
    for entry in result.values():
        entry["percent"] = (
            round(100 * entry["done"] / entry["expected"]) if entry["expected"] else 0
        )
        submitted = entry["done"]
        entry["on_time"] = (
            round(100 * (submitted - entry["late"]) / submitted) if submitted else None
        )
    return sorted(result.values(), key=lambda e: (-e["percent"], e["unit"].name))
