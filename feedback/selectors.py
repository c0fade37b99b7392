"""Who sees which ratings and cases, and the satisfaction index, computed in the database."""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from units.models import Unit
from units.numbers import TENTH, rounded
from units.selectors import scope_of

from .models import (
    COUNTED,
    SATISFIED_LEVELS,
    Appeal,
    EvaluatorWeight,
    FollowUpCase,
    Moderation,
    Rating,
)
from .workdays import calendar_years

# How long pages may show a satisfaction figure before it is aggregated again (see
# satisfaction(cached=True)).
SATISFACTION_CACHE_SECONDS = 300

logger = logging.getLogger(__name__)


def may_use_feedback(user) -> bool:
    """Committee staff, leaders, unit administrators and the unit's 党组书记 and 党组成员
    (reading); secretaries see nothing here."""
    scope = scope_of(user)
    return scope.sees_everything or bool(scope.reads_unit_ids)


def may_handle_case(user, case) -> bool:
    """Reply, record the fix, see the contact, appeal: the unit's administrators and committee."""
    return scope_of(user).handles_unit(case.unit_id)


def may_act_for_rating(user, rating) -> bool:
    return scope_of(user).handles_unit(rating.unit_id)


def may_close_case(user, case) -> bool:
    """Verifying and closing a case, and deciding appeals, is the committee's alone."""
    return scope_of(user).acts_as_committee


def may_moderate(user) -> bool:
    """Entering offline ratings and moderating flagged ones: the committee, unnarrowed."""
    return scope_of(user).acts_as_committee


def may_import_survey(user) -> bool:
    """Importing a third-party survey (ratings of every unit): the committee, unnarrowed."""
    return scope_of(user).acts_as_committee


def _unit_filter(user, field="unit_id"):
    scope = scope_of(user)
    if scope.sees_everything:
        return Q()
    return Q(**{f"{field}__in": scope.reads_unit_ids})


def ratings_visible_to(user) -> QuerySet[Rating]:
    if not may_use_feedback(user):
        return Rating.objects.none()
    return Rating.objects.filter(_unit_filter(user))


def cases_visible_to(user) -> QuerySet[FollowUpCase]:
    if not may_use_feedback(user):
        return FollowUpCase.objects.none()
    return FollowUpCase.objects.filter(_unit_filter(user))


def provisional_deadline_years(user) -> list[int]:
    """The years the holiday table lacks that deadlines of this user's cases fall in: until
    they are filled in, those deadlines are counted on weekends only."""
    cases = cases_visible_to(user).filter(deadlines_provisional=True)
    if not cases.exists():
        return []
    years = {day.year for day in cases.dates("rectify_due", "year")}
    years |= {day.year for day in cases.dates("opened_on", "year")}
    return sorted(years - calendar_years())


def appeals_visible_to(user) -> QuerySet[Appeal]:
    if not may_use_feedback(user):
        return Appeal.objects.none()
    return Appeal.objects.filter(_unit_filter(user))


def rating_list(user, *, unit=None, level="", channel="", state="", date_from=None, date_to=None):
    ratings = ratings_visible_to(user).select_related("unit", "case")
    if unit:
        ratings = ratings.filter(unit=unit)
    if level:
        ratings = ratings.filter(level=level)
    if channel:
        ratings = ratings.filter(channel=channel)
    if date_from:
        ratings = ratings.filter(received_on__gte=date_from)
    if date_to:
        ratings = ratings.filter(received_on__lte=date_to)
    if state == "counted":
        ratings = ratings.filter(COUNTED)
    elif state == "duplicate":
        ratings = ratings.filter(duplicate_of__isnull=False)
    elif state == "flagged":
        ratings = ratings.filter(moderation=Moderation.PENDING)
    elif state == "excluded":
        ratings = ratings.filter(Q(excluded=True) | Q(moderation=Moderation.REJECTED))
    return ratings.order_by("-received_on", "-pk")


def moderation_queue(user) -> QuerySet[Rating]:
    return (
        ratings_visible_to(user)
        .filter(moderation=Moderation.PENDING)
        .select_related("unit")
        .order_by("unit__name", "created_at")
    )


def case_list(user, *, status="", overdue_only=False, unit=None):
    today = timezone.localdate()
    cases = cases_visible_to(user).select_related("unit", "rating")
    if status:
        cases = cases.filter(status=status)
    if unit:
        cases = cases.filter(unit=unit)
    if overdue_only:
        cases = cases.filter(status=FollowUpCase.Status.OPEN, reply_due__lt=today)
    return cases.annotate(
        is_overdue=Case(
            When(status=FollowUpCase.Status.OPEN, reply_due__lt=today, then=Value(True)),
            default=Value(False),
        )
    ).order_by("-is_overdue", "reply_due", "pk")


@dataclass
class CaseStats:
    total: int
    replied: int
    open: int
    overdue: int

    @property
    def reply_rate(self):
        if not self.total:
            return None
        return rounded(Decimal(self.replied) * 100 / self.total, TENTH)


REPLIED_STATES = ("replied", "rectified", "closed")


def case_stats(user, *, date_from=None, date_to=None) -> CaseStats:
    cases = cases_visible_to(user).exclude(status=FollowUpCase.Status.WITHDRAWN)
    if date_from:
        cases = cases.filter(opened_on__gte=date_from)
    if date_to:
        cases = cases.filter(opened_on__lte=date_to)
    today = timezone.localdate()
    row = cases.aggregate(
        total=Count("pk"),
        replied=Count("pk", filter=Q(status__in=REPLIED_STATES)),
        open=Count("pk", filter=Q(status=FollowUpCase.Status.OPEN)),
        overdue=Count("pk", filter=Q(status=FollowUpCase.Status.OPEN, reply_due__lt=today)),
    )
    return CaseStats(**row)


def reply_rate_by_unit(date_from, date_to, unit_ids=None) -> dict:
    """unit id -> (cases, replied, rate %) for cases opened in the range; one query."""
    cases = FollowUpCase.objects.exclude(status=FollowUpCase.Status.WITHDRAWN).filter(
        opened_on__gte=date_from, opened_on__lte=date_to
    )
    if unit_ids is not None:
        cases = cases.filter(unit_id__in=list(unit_ids))
    result = {}
    for row in cases.values("unit_id").annotate(
        total=Count("pk"), replied=Count("pk", filter=Q(status__in=REPLIED_STATES))
    ):
        rate = rounded(Decimal(row["replied"]) * 100 / row["total"], TENTH)
        result[row["unit_id"]] = (row["total"], row["replied"], rate)
    return result


# --- the satisfaction index -----------------------------------------------------------------


@dataclass(frozen=True)
class SatisfactionFigure:
    """One unit's (or group's) citizen satisfaction over a date range.

    sample: counted ratings (duplicates, flagged, rejected and upheld-appeal ratings left out);
    satisfied_share: weighted % rated 非常满意, 满意 or 基本满意;
    raw_score: weighted mean of the level scores (100/80/60/40/20);
    score: raw_score shrunk toward the category mean, (n·raw + k·prior) / (n + k);
    sufficient: sample >= FEEDBACK_MIN_SAMPLE (``sufficient_sample``);
    value: the figure the rest of the platform uses — score when sufficient, else None: shown
    as 样本不足 and missing from every total.
    """

    key: object
    sample: int
    weight_total: Decimal
    satisfied_share: Decimal | None
    raw_score: Decimal | None
    score: Decimal | None
    prior: Decimal | None
    sufficient: bool

    @property
    def unit_id(self):
        return self.key

    @property
    def value(self) -> Decimal | None:
        return self.score if self.sufficient else None


ONE = Decimal("1")  # the weight of an evaluator kind without a row in EvaluatorWeight


def sufficient_sample(sample) -> bool:
    """The minimum-sample rule: below FEEDBACK_MIN_SAMPLE counted ratings a satisfaction
    figure is 样本不足 and counts as missing."""
    return (sample or 0) >= settings.FEEDBACK_MIN_SAMPLE


def _weight_expression():
    """Evaluator-kind weights as a CASE expression (the weights table is a handful of rows)."""
    weights = dict(EvaluatorWeight.objects.values_list("kind", "weight"))
    whens = [When(evaluator_kind=kind, then=Value(weight)) for kind, weight in weights.items()]
    output = DecimalField(max_digits=7, decimal_places=2)
    if not whens:
        return Value(Decimal("1"), output_field=output)
    return Case(*whens, default=Value(Decimal("1")), output_field=output)


def _aggregate(ratings, group_fields):
    weight = _weight_expression()
    output = DecimalField(max_digits=14, decimal_places=2)
    return (
        ratings.filter(COUNTED)
        .values(*group_fields)
        .annotate(
            n=Count("pk"),
            w=Sum(weight, output_field=output),
            ws=Sum(ExpressionWrapper(weight * F("score"), output_field=output)),
            wsat=Sum(weight, filter=Q(level__in=SATISFIED_LEVELS), output_field=output),
        )
        .order_by()
    )


def _figure(key, n, w, ws, wsat, prior) -> SatisfactionFigure:
    w = Decimal(w or 0)
    if not n or not w:
        return SatisfactionFigure(key, 0, Decimal(0), None, None, None, prior, False)
    raw = Decimal(ws) / w
    share = Decimal(wsat or 0) * 100 / w
    k = Decimal(settings.FEEDBACK_SHRINKAGE_PRIOR)
    score = raw if prior is None else (n * raw + k * prior) / (n + k)
    return SatisfactionFigure(
        key=key,
        sample=n,
        weight_total=w,
        satisfied_share=rounded(share, TENTH),
        raw_score=rounded(raw, TENTH),
        score=rounded(score, TENTH),
        prior=rounded(prior, TENTH),
        sufficient=sufficient_sample(n),
    )


def satisfaction(date_from, date_to, unit_ids=None, *, cached=False) -> dict:
    """unit id -> SatisfactionFigure for ratings received in [date_from, date_to]: THE
    satisfaction figure of the platform (scores, dashboards, score pages and reports).

    Three queries whatever the number of units: the evaluator weights, the units'
    categories, then one grouped aggregate over every unit (category means need all units
    even when unit_ids narrows the answer). Units in unit_ids without counted ratings get
    an empty figure.

    ``cached``, for pages that show an overview (the dashboards): the same figures, but up
    to SATISFACTION_CACHE_SECONDS old. The aggregate reads every rating of the range
    (500,000 a year at province scale, about 0.3 s) and a dashboard is loaded far more often
    than the figure moves, so the figures of all units are kept in the cache under the date
    range and narrowed per call. Nothing invalidates them: a figure on a dashboard may lag
    new ratings by a few minutes. Whatever computes scores or decides something reads the
    exact figures. Without a cache (an outage) the figures are computed.
    """
    if not cached:
        return satisfaction_ranges([(date_from, date_to)], unit_ids)[0]
    key = f"feedback:satisfaction:{date_from.isoformat()}:{date_to.isoformat()}"
    try:
        figures = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage must not take the page down
        logger.warning("satisfaction: cache unavailable, computing", exc_info=True)
        return satisfaction(date_from, date_to, unit_ids)
    if figures is None:
        (figures,) = _figures_of_all_units([(date_from, date_to)])
        try:
            cache.set(key, figures, SATISFACTION_CACHE_SECONDS)
        except Exception:  # noqa: BLE001
            logger.warning("satisfaction: cache unavailable, not kept", exc_info=True)
    return _narrowed(figures, unit_ids)


def satisfaction_ranges(ranges, unit_ids=None) -> list[dict]:
    """``satisfaction`` for several date ranges ([(date_from, date_to), …]) with ONE scan
    of the ratings: what the score recompute reads for the half year and the year at once.
    Returns one dict (unit id -> SatisfactionFigure) per range, in the order given."""
    return [_narrowed(figures, unit_ids) for figures in _figures_of_all_units(ranges)]


def _figures_of_all_units(ranges) -> list[dict]:
    """unit id -> figure for each range. The ratings are summed per unit and per segment
    between the ranges' boundaries (one segment for one range), then each range adds up
    the segments it covers and takes its category means from those sums."""
    starts = sorted({start for start, _end in ranges})
    cuts = sorted({*starts, *(end + dt.timedelta(days=1) for _start, end in ranges)})
    ratings = Rating.objects.filter(COUNTED, received_on__gte=cuts[0], received_on__lt=cuts[-1])
    # Segment n holds ratings received in [cuts[n], cuts[n + 1]): a count and a score sum
    # per segment, in columns, grouped by (unit, evaluator kind, level) — few groups the
    # database estimates well, so it hashes them in parallel rather than sorting every
    # rating. Weighted here: integer counts and sums are several times cheaper for the
    # database than numeric weighted sums, and weight × count, weight × Σ score are exactly
    # what SUM(weight), SUM(weight × score) give.
    columns = {}
    for n in range(len(cuts) - 1):
        in_segment = Q(received_on__gte=cuts[n], received_on__lt=cuts[n + 1])
        columns[f"n{n}"] = Count("pk", filter=in_segment)
        columns[f"s{n}"] = Sum("score", filter=in_segment)
    counted = (
        ratings.values("unit_id", "evaluator_kind", "level")
        .annotate(**columns)
        .values_list("unit_id", "evaluator_kind", "level", *columns)
        .order_by()
    )
    weights = dict(EvaluatorWeight.objects.values_list("kind", "weight"))
    category_of = dict(Unit.objects.values_list("pk", "category_id"))
    satisfied = set(SATISFIED_LEVELS)
    rows = {}
    for unit_id, kind, level, *figures in counted:
        kind_weight = weights.get(kind, ONE)
        for seg in range(len(cuts) - 1):
            n, score_sum = figures[2 * seg], figures[2 * seg + 1]
            if not n:
                continue
            weight = Decimal(n) * kind_weight
            row = rows.setdefault(
                (unit_id, seg),
                {
                    "unit_id": unit_id,
                    "unit__category_id": category_of.get(unit_id),
                    "segment": seg,
                    "n": 0,
                    "w": Decimal(0),
                    "ws": Decimal(0),
                    "wsat": Decimal(0),
                },
            )
            row["n"] += n
            row["w"] += weight
            row["ws"] += kind_weight * Decimal(score_sum)
            if level in satisfied:
                row["wsat"] += weight
    rows = list(rows.values())
    out = []
    for start, end in ranges:
        after = end + dt.timedelta(days=1)
        covered = {n for n in range(len(cuts) - 1) if start <= cuts[n] and cuts[n + 1] <= after}
        sums = {}
        for row in rows:
            if row["segment"] not in covered:
                continue
            key = (row["unit_id"], row["unit__category_id"])
            total = sums.setdefault(key, [0, Decimal(0), Decimal(0), Decimal(0)])
            total[0] += row["n"]
            total[1] += Decimal(row["w"] or 0)
            total[2] += Decimal(row["ws"] or 0)
            total[3] += Decimal(row["wsat"] or 0)
        by_category = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for (_unit_id, category_id), (_n, w, ws, _wsat) in sums.items():
            by_category[category_id][0] += ws
            by_category[category_id][1] += w
        priors = {cat: (ws / w if w else None) for cat, (ws, w) in by_category.items()}
        out.append(
            {
                unit_id: _figure(unit_id, n, w, ws, wsat, priors.get(category_id))
                for (unit_id, category_id), (n, w, ws, wsat) in sums.items()
            }
        )
    return out


def _narrowed(figures: dict, unit_ids) -> dict:
    if unit_ids is None:
        return dict(figures)
    return {
        unit_id: figures.get(unit_id) or _figure(unit_id, 0, 0, 0, 0, None) for unit_id in unit_ids
    }


def satisfaction_by(field: str, date_from, date_to, user=None) -> list[SatisfactionFigure]:
    """Figures grouped by one field (unit__category_id, channel, evaluator_kind); no shrinkage."""
    ratings = Rating.objects.filter(received_on__gte=date_from, received_on__lte=date_to)
    if user is not None:
        ratings = ratings.filter(_unit_filter(user))
    return [
        _figure(row[field], row["n"], row["w"], row["ws"], row["wsat"], None)
        for row in _aggregate(ratings, [field]).order_by(field)
    ]


def satisfaction_table(user, date_from, date_to, *, category=None):
    """Rows for the staff table: visible units with their figure and reply rate."""
    units = Unit.objects.filter(_unit_filter(user, "pk"), active=True).select_related("category")
    if category:
        units = units.filter(category=category)
    units = list(units.order_by("category__sort_order", "name"))
    ids = [u.pk for u in units]
    figures = satisfaction(date_from, date_to, ids)
    replies = reply_rate_by_unit(date_from, date_to, ids)
    rows = []
    for unit in units:
        unit.figure = figures[unit.pk]
        unit.cases, unit.replied, unit.reply_rate = replies.get(unit.pk, (0, 0, None))
        rows.append(unit)
    return rows


def case_rates_by_unit(date_from, date_to, unit_ids=None) -> dict:
    """unit id -> (cases, replied on time, closed) for follow-up cases opened in the range
    (withdrawn cases left out); one grouped query. "On time" = replied by the reply due
    date; "closed" = 已办结."""
    cases = FollowUpCase.objects.exclude(status=FollowUpCase.Status.WITHDRAWN).filter(
        opened_on__gte=date_from, opened_on__lte=date_to
    )
    if unit_ids is not None:
        cases = cases.filter(unit_id__in=list(unit_ids))
    rows = cases.values("unit_id").annotate(
        total=Count("pk"),
        on_time=Count("pk", filter=Q(replied_at__date__lte=F("reply_due"))),
        closed=Count("pk", filter=Q(status=FollowUpCase.Status.CLOSED)),
    )
    return {r["unit_id"]: (r["total"], r["on_time"], r["closed"]) for r in rows.order_by()}
