"""Completeness: expected, submitted and on-time items per unit and branch, read live."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from units.models import Branch, Unit

from ..models import Indicator, PeriodScore, Submission
from ..scoring.engine import SUBMITTED_STATES, catalogue_for
from .score_rows import _id, _share


@dataclass(frozen=True, slots=True)
class CompletenessRow:
    unit_id: int
    unit_name: str
    branch_id: int | None
    branch_name: str
    expected: int
    submitted: int
    on_time: int
    unit_short_name: str = ""

    @property
    def name(self):
        return self.branch_name or self.unit_name

    @property
    def label(self):
        """Short label for charts."""
        return self.branch_name or self.unit_short_name or self.unit_name

    @property
    def missing(self):
        return self.expected - self.submitted

    @property
    def late(self):
        return self.submitted - self.on_time

    @property
    def reporting_rate(self):
        return _share(self.submitted, self.expected)

    @property
    def on_time_rate(self):
        return _share(self.on_time, self.expected)


@dataclass
class CompletenessReport:
    units: list  # CompletenessRow per unit (its branches plus its unit-level items)
    branches: list  # CompletenessRow per branch
    total: CompletenessRow


FEW_UNITS = 20


def completeness(period, *, unit=None, unit_ids=None) -> CompletenessReport:
    """Expected vs submitted items and the on-time share per unit and branch.

    Expected = the items the period asks of the branch (or unit) by its category (issue 3's
    items_for rules); submitted = submitted, checked or accepted (a returned item is
    outstanding again); on time = submitted and not late. Reporting rate = submitted ÷
    expected, on-time rate = on time ÷ expected. Five queries.

    A finished period's submissions no longer move, and its score rows carry the counts the
    engine took from them (the same rules): those rows are read instead of the period's
    submissions, unless a unit or branch shown has none (added after the last recompute).
    """
    catalogue = catalogue_for(period)
    units = Unit.objects.filter(active=True)
    if unit is not None:
        units = units.filter(pk=_id(unit))
    if unit_ids is not None:
        units = units.filter(pk__in=list(unit_ids))
    # Plain tuples, not model instances: a province has 1,500 branches.
    units = list(
        units.order_by("category__sort_order", "name").values_list(
            "pk", "name", "short_name", "category_id", named=True
        )
    )
    ids = [u.pk for u in units]
    by_unit = defaultdict(list)  # unit id -> [(branch id, name)]
    for pk, unit_id, name in (
        Branch.objects.filter(active=True, unit_id__in=ids)
        .order_by("unit__name", "name")
        .values_list("pk", "unit_id", "name")
    ):
        by_unit[unit_id].append((pk, name))
    counts = {}
    if catalogue.items:
        counts = _stored_counts(period, ids, by_unit) if period.is_finished else None
        if counts is None:
            counts = _live_counts(period, catalogue, ids)

    def row_for(u, branch_id, branch_name, expected):
        submitted, on_time = counts.get((u.pk, branch_id), (0, 0))
        sub = min(submitted, expected)
        return CompletenessRow(
            u.pk,
            u.name,
            branch_id,
            branch_name,
            expected,
            sub,
            min(on_time, sub),
            u.short_name,
        )

    unit_rows, branch_rows = [], []
    for u in units:
        per_branch = len(catalogue.expected(u.category_id, Indicator.Level.BRANCH))
        rows = [row_for(u, pk, name, per_branch) for pk, name in by_unit[u.pk]]
        own = row_for(u, None, "", len(catalogue.expected(u.category_id, Indicator.Level.UNIT)))
        branch_rows.extend(rows)
        unit_rows.append(
            CompletenessRow(
                u.pk,
                u.name,
                None,
                "",
                own.expected + sum(r.expected for r in rows),
                own.submitted + sum(r.submitted for r in rows),
                own.on_time + sum(r.on_time for r in rows),
                u.short_name,
            )
        )
    total = CompletenessRow(
        0,
        _("合计"),
        None,
        "",
        sum(r.expected for r in unit_rows),
        sum(r.submitted for r in unit_rows),
        sum(r.on_time for r in unit_rows),
    )
    return CompletenessReport(unit_rows, branch_rows, total)


def _live_counts(period, catalogue, ids) -> dict:
    """(unit id, branch id or None) -> (submitted, on time), counted from the submissions:
    one grouped query."""
    submitted = Q(status__in=SUBMITTED_STATES)
    rows = Submission.objects.filter(period=period, indicator_id__in=list(catalogue.items))
    if len(ids) <= FEW_UNITS:
        # Many units: counting every unit's rows costs less than testing each row's unit
        # against a long list; the rows of units not asked for are not used.
        rows = rows.filter(unit_id__in=ids)
    return {
        (unit_id, branch_id): (sent, on_time)
        for unit_id, branch_id, sent, on_time in rows.values("unit_id", "branch_id")
        .annotate(
            submitted=Count("pk", filter=submitted),
            on_time=Count("pk", filter=submitted & Q(is_late=False)),
        )
        .values_list("unit_id", "branch_id", "submitted", "on_time")
        .order_by()
    }


def _stored_counts(period, ids, by_unit) -> dict | None:
    """The same counts from the period's score rows (ONE query), or None unless every unit
    asked for has a row and rows for exactly the branches shown. A unit's row counts its
    branches with its own items (``engine.compute_unit``): its own counts are the
    difference."""
    rows = PeriodScore.objects.filter(period=period)
    if len(ids) <= FEW_UNITS:
        rows = rows.filter(unit_id__in=ids)
    stored, branches_of = {}, defaultdict(set)
    for unit_id, branch_id, sent, on_time in rows.values_list(
        "unit_id", "branch_id", "submitted", "on_time"
    ).order_by():
        stored[(unit_id, branch_id)] = (sent, on_time)
        if branch_id:
            branches_of[unit_id].add(branch_id)
    counts = {}
    for unit_id in ids:
        # The unit's row counts exactly the branches shown, or the difference would be off.
        shown = {branch_id for branch_id, _name in by_unit[unit_id]}
        if (unit_id, None) not in stored or branches_of[unit_id] != shown:
            return None
        own_sent, own_on_time = stored[(unit_id, None)]
        for branch_id, _name in by_unit[unit_id]:
            sent, on_time = counts[(unit_id, branch_id)] = stored[(unit_id, branch_id)]
            own_sent, own_on_time = own_sent - sent, own_on_time - on_time
        counts[(unit_id, None)] = (own_sent, own_on_time)
    return counts
