"""Indicator analytics (淘汰机制): how each item's accepted scores spread over a plan."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, ExpressionWrapper, F, FloatField, Max, Min, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from units.numbers import rounded

from ..models import Indicator, Standard, Submission
from .plans import current_system
from .score_rows import BUCKETS, ZERO, _label, _share

# An item is a retirement candidate when at least this many accepted answers exist and
# either this share of them reach full marks or their spread (standard deviation of the
# score rate) is below this many percentage points.
ANALYTICS_MIN_SAMPLE = 10
ANALYTICS_AT_MAX_SHARE = Decimal("90")
ANALYTICS_MIN_SPREAD = Decimal("5")


@dataclass
class ItemStats:
    code: str
    name: str
    kind_label: str
    standard_label: str
    count: int
    mean_rate: Decimal | None
    spread: Decimal | None
    at_max_share: Decimal | None
    min_rate: Decimal | None
    max_rate: Decimal | None
    buckets: list
    retired: bool
    reasons: list

    @property
    def flagged(self) -> bool:
        return bool(self.reasons)


def indicator_analytics(plan) -> list[ItemStats]:
    """Per item code of the plan: distribution of accepted score rates (reviewer score ÷ full
    marks × 100) over every period and branch, share at full marks, spread (population
    standard deviation) and a retirement flag (see ANALYTICS_*). Two queries."""
    system = current_system(plan)
    # Floats on purpose: statistics only, and no integer division on SQLite.
    rate = ExpressionWrapper(
        Cast("reviewer_score", FloatField()) * 100.0 / Cast("indicator__max_score", FloatField()),
        output_field=FloatField(),
    )
    bucket_counts = {}
    for n, (low, high) in enumerate(BUCKETS):
        cond = Q(rate__gte=low) if high is None else Q(rate__gte=low, rate__lt=high)
        bucket_counts[f"b{n}"] = Count("pk", filter=cond)
    rows = {
        r["indicator__code"]: r
        for r in Submission.objects.filter(
            period__plan=plan,
            status=Submission.Status.ACCEPTED,
            reviewer_score__isnull=False,
            indicator__kind__in=[
                Indicator.Kind.QUANTITATIVE,
                Indicator.Kind.GRADED,
                Indicator.Kind.YES_NO,
            ],
            indicator__max_score__gt=0,
        )
        .annotate(rate=rate)
        .values("indicator__code")
        .annotate(
            n=Count("pk"),
            mean=Avg("rate"),
            mean_sq=Avg(F("rate") * F("rate")),
            at_max=Count("pk", filter=Q(reviewer_score__gte=F("indicator__max_score"))),
            lo=Min("rate"),
            hi=Max("rate"),
            **bucket_counts,
        )
        .order_by()
    }
    items = []
    if system is not None:
        items = list(
            Indicator.objects.filter(
                system=system,
                kind__in=[
                    Indicator.Kind.QUANTITATIVE,
                    Indicator.Kind.GRADED,
                    Indicator.Kind.YES_NO,
                ],
            ).order_by("position", "code")
        )
    out = []
    seen = set()
    for item in items:
        seen.add(item.code)
        out.append(
            _stats(
                item.code,
                item.name,
                item.kind,
                item.standard,
                rows.get(item.code),
                retired=item.retired_at is not None,
            )
        )
    for code, r in rows.items():
        if code not in seen:
            out.append(_stats(code, code, "", "", r, retired=True))
    return out


def _stats(code, name, kind, standard, r, *, retired) -> ItemStats:
    if not r or not r["n"]:
        return ItemStats(
            code,
            name,
            _label(Indicator.Kind, kind),
            _label(Standard, standard),
            0,
            None,
            None,
            None,
            None,
            None,
            [0] * len(BUCKETS),
            retired,
            [],
        )
    n = r["n"]
    mean = Decimal(str(r["mean"] or 0))
    variance = max(Decimal(str(r["mean_sq"] or 0)) - mean * mean, ZERO)
    spread = variance.sqrt() if variance else ZERO
    at_max = _share(r["at_max"], n)
    reasons = []
    if n >= ANALYTICS_MIN_SAMPLE and not retired:
        if at_max >= ANALYTICS_AT_MAX_SHARE:
            reasons.append(_("%(s)s%% 的答案满分，已区分不出支部") % {"s": at_max})
        if spread < ANALYTICS_MIN_SPREAD:
            reasons.append(_("得分离散度仅 %(s)s 个百分点") % {"s": rounded(spread)})
    return ItemStats(
        code,
        name,
        _label(Indicator.Kind, kind),
        _label(Standard, standard),
        n,
        rounded(mean),
        rounded(spread),
        at_max,
        rounded(r["lo"]),
        rounded(r["hi"]),
        [r[f"b{i}"] for i in range(len(BUCKETS))],
        retired,
        reasons,
    )
