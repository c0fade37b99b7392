"""Pure rules of agreement between independent inspectors (联检联评): no ORM here.

Scores are compared as shares of the item's full marks, so items of 5 and of 10 points
weigh alike in the figures; the agreed score itself is in points.

The intraclass correlation is ICC(1,1) — one-way random effects, single rater, absolute
agreement (Shrout & Fleiss 1979, case 1) — because each item is scored by a different
drawn team: raters are not crossed with items, so the two-way forms do not apply. Items
with fewer than two scores are left out; a different number of scores per item is handled
by the unbalanced one-way ANOVA with the average group size
n0 = (N − Σnᵢ²/N) / (g − 1).
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from statistics import median


class AgreedRule:
    """How the agreed score is made from scores within tolerance (InspectionRound.AgreedRule)."""

    MEAN = "mean"  # the mean of the inspectors' scores (the default)
    MEDIAN = "median"  # the median: one outlier among three does not move it
    LOWER = "lower"  # the lower score: the stricter reading


CENT = Decimal("0.01")


def spread(scores) -> Decimal:
    return max(scores) - min(scores) if scores else Decimal(0)


def within_tolerance(scores, max_score, tolerance) -> bool:
    """Whether the independent scores differ by no more than tolerance × full marks, taken
    to the cent as scores are (one grade of 2.79 points is 0.56, not 0.558)."""
    limit = (Decimal(tolerance) * Decimal(max_score)).quantize(CENT, rounding=ROUND_HALF_UP)
    return spread(scores) <= limit


def agreed_score(scores, rule=AgreedRule.MEAN) -> Decimal:
    """The agreed score of scores within tolerance, to the cent (half up)."""
    values = [Decimal(s) for s in scores]
    if rule == AgreedRule.LOWER:
        value = min(values)
    elif rule == AgreedRule.MEDIAN:
        value = Decimal(median(values))
    else:
        value = sum(values) / len(values)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def moderated(scores_by_rater: dict, max_score, offsets: dict) -> dict:
    """Each rater's score less their measured leniency (a share of full marks), kept
    within 0 … full marks."""
    top = Decimal(max_score)
    result = {}
    for rater, score in scores_by_rater.items():
        value = Decimal(score) - Decimal(str(offsets.get(rater, 0))) * top
        result[rater] = min(max(value, Decimal(0)), top).quantize(CENT, rounding=ROUND_HALF_UP)
    return result


@dataclass(frozen=True)
class Rated:
    """One item as the figures see it: full marks and each rater's score."""

    item_id: int
    max_score: Decimal
    scores: dict  # rater id -> score in points
    group: str = ""  # e.g. the 六实 standard, for per-group figures
    agreed: Decimal | None = None  # the decided score, once there is one


@dataclass
class Figures:
    items: int = 0  # items with two scores or more
    within: int = 0
    share_within: float | None = None
    mean_abs_diff: float | None = None  # mean pairwise |difference|, share of full marks
    icc: float | None = None  # ICC(1,1)


@dataclass
class Leniency:
    rater: object
    items: int = 0
    offset: float | None = None  # mean (own − item mean), share of full marks


@dataclass
class Report:
    overall: Figures
    by_group: dict = field(default_factory=dict)  # group -> Figures
    leniency: dict = field(default_factory=dict)  # rater -> Leniency


def _shares(item: Rated) -> list[float]:
    top = float(item.max_score) or 1.0
    return [float(score) / top for score in item.scores.values()]


def icc_1_1(groups) -> float | None:
    """ICC(1,1) of lists of ratings (one list per item, any length ≥ 2 counted).

    None when it is not defined: fewer than two items, or no variance at all."""
    groups = [list(g) for g in groups if len(g) >= 2]
    g = len(groups)
    if g < 2:
        return None
    n_total = sum(len(x) for x in groups)
    grand = sum(sum(x) for x in groups) / n_total
    ss_between = sum(len(x) * (sum(x) / len(x) - grand) ** 2 for x in groups)
    ss_within = sum(sum((v - sum(x) / len(x)) ** 2 for v in x) for x in groups)
    ms_between = ss_between / (g - 1)
    df_within = n_total - g
    ms_within = ss_within / df_within
    n0 = (n_total - sum(len(x) ** 2 for x in groups) / n_total) / (g - 1)
    denominator = ms_between + (n0 - 1) * ms_within
    if denominator == 0:
        return None
    return (ms_between - ms_within) / denominator


def figures(items, tolerance) -> Figures:
    rated = [item for item in items if len(item.scores) >= 2]
    result = Figures(items=len(rated))
    if not rated:
        return result
    result.within = sum(
        1
        for item in rated
        if within_tolerance(list(item.scores.values()), item.max_score, tolerance)
    )
    result.share_within = result.within / len(rated)
    differences = []
    for item in rated:
        shares = _shares(item)
        pairs = [abs(a - b) for i, a in enumerate(shares) for b in shares[i + 1 :]]
        differences.append(sum(pairs) / len(pairs))
    result.mean_abs_diff = sum(differences) / len(differences)
    result.icc = icc_1_1(_shares(item) for item in rated)
    return result


def leniency(items) -> dict:
    """Each rater's mean offset from the item's agreed score (share of full marks) and
    their item count. The agreed score is the one decided (agreed or arbitrated) when the
    item has one, else the mean of its scores; only items with two scores or more
    measure an offset, the count is of every item."""
    counts, offsets = {}, {}
    for item in items:
        shares = dict(zip(item.scores, _shares(item), strict=True))
        for rater in shares:
            counts[rater] = counts.get(rater, 0) + 1
        if len(shares) < 2:
            continue
        if item.agreed is not None:
            reference = float(item.agreed) / (float(item.max_score) or 1.0)
        else:
            reference = sum(shares.values()) / len(shares)
        for rater, share in shares.items():
            offsets.setdefault(rater, []).append(share - reference)
    return {
        rater: Leniency(
            rater,
            count,
            sum(offsets[rater]) / len(offsets[rater]) if rater in offsets else None,
        )
        for rater, count in counts.items()
    }


def report(items, tolerance) -> Report:
    items = list(items)
    groups = {}
    for item in items:
        groups.setdefault(item.group, []).append(item)
    return Report(
        overall=figures(items, tolerance),
        by_group={group: figures(members, tolerance) for group, members in sorted(groups.items())},
        leniency=leniency(items),
    )
