"""How a unit's score was computed ("how was this computed"), step by step.

Built from the engine's own steps: ``engine.load`` and ``engine.compute_unit`` give the
unit's quarter terms (``rules.unit_quarter``) and its composite (``rules.composite``), and
this module only formats them, so the explanation cannot disagree with the stored total
(tests/assessment/test_scoring_properties.py checks that the steps add up to it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from units.numbers import TENTH, rounded

from ..models import Indicator, NegativeListEntry, Period, PeriodScore, Submission
from ..selectors.score_rows import ScoreRow, Source, _axis, _id, branch_scores, rows_for
from . import engine
from .rules import HUNDRED, NO_DIMENSION, REGULAR_KINDS, ZERO, q


@dataclass
class ItemLine:
    code: str
    name: str
    kind: str
    kind_label: str
    dimension: str
    branch: str
    self_score: Decimal | None
    reviewer_score: Decimal | None
    max_score: Decimal
    effective: Decimal | None
    points: Decimal
    formula: str

    @property
    def gap(self) -> Decimal | None:
        if self.self_score is None or self.reviewer_score is None:
            return None
        return self.reviewer_score - self.self_score


@dataclass
class Step:
    label: str
    formula: str
    points: Decimal


@dataclass
class Explanation:
    row: ScoreRow | None
    composite: bool
    aggregation_label: str = ""
    branches: list = field(default_factory=list)  # (ScoreRow, weight %)
    items: list = field(default_factory=list)  # ItemLine, unit-level then branch-level
    steps: list = field(default_factory=list)  # Step; their points add up to the total
    notes: list = field(default_factory=list)
    computed_total: Decimal = ZERO
    live_total: Decimal | None = None  # the live row's total (differs after a correction)
    source: Source | None = None  # where row comes from: live, or a published revision

    @property
    def adds_up(self) -> bool:
        return self.live_total is not None and self.computed_total == self.live_total


def _fmt(value) -> str:
    return "—" if value is None else str(rounded(value))


def unit_score_explanation(period, unit) -> Explanation:
    """How the unit's total was made, step by step, with every item's contribution.

    Quarter: per root dimension, branch share (mean or member-weighted of the branches'
    points after their deductions) + unit-level items − unit deductions (never below 0),
    then the capped bonus. Composite (h1/annual): the plan's formula term by term.
    The explanation is computed from the live submissions; on a published period it is
    compared with the frozen total and a note says when they differ.
    """
    unit_id = _id(unit)
    source, rows = rows_for([period], unit_ids=[unit_id])[_id(period)]
    row = rows[0] if rows else None
    period = Period.objects.select_related("plan").get(pk=_id(period))
    exp = Explanation(row=row, composite=period.is_composite, source=source)
    exp.aggregation_label = period.plan.get_unit_aggregation_display()
    live = PeriodScore.objects.filter(period=period, unit_id=unit_id, branch__isnull=True).first()
    # The satisfaction the stored row was computed with: the exact figure reads every
    # rating of the year, and the explanation shows the row's arithmetic.
    stored = {unit_id: (live.satisfaction, live.satisfaction_sample or 0)} if live else {}
    inputs = engine.load(period, [unit_id], satisfaction_figures=stored)
    units = [u for u in inputs.units if u["id"] == unit_id]
    computation = engine.compute_unit(inputs, units[0]) if units else None
    weights = {} if computation is None else computation.branch_results
    exp.branches = [
        (b, rounded(weights.get(b.branch_id, (ZERO, None))[0] * HUNDRED, TENTH))
        for b in branch_scores(period, unit=unit_id)
    ]
    exp.items = _item_lines(period, unit_id, inputs.catalogue)
    if computation is not None and live is not None:
        if period.is_composite:
            _composite_steps(exp, inputs, computation)
        else:
            _quarter_steps(exp, inputs, computation)
    exp.computed_total = sum((s.points for s in exp.steps), ZERO)
    exp.live_total = q(live.total) if live is not None else None
    if row is not None and exp.live_total is not None and row.total != exp.live_total:
        exp.notes.append(
            _(
                "本节点已发布，发布时冻结的总分为 %(frozen)s；按当前数据计算为 %(live)s，"
                "如需采用请由工委填写原因生成更正版次。"
            )
            % {"frozen": row.total, "live": exp.live_total}
        )
    return exp


def _item_lines(period, unit_id, catalogue) -> list[ItemLine]:
    if not catalogue.items:
        return []
    rows = (
        Submission.objects.filter(
            period=period,
            unit_id=unit_id,
            status=Submission.Status.ACCEPTED,
            indicator_id__in=list(catalogue.items),
        )
        .annotate(pts=engine.item_points_expression(catalogue))
        .values("indicator_id", "branch__name", "self_score", "reviewer_score", "pts")
        .order_by("branch__name", "indicator__position", "indicator__code")
    )
    kinds = _axis(Indicator.Kind, get_language())[1]
    lines = []
    for r in rows:
        m = catalogue.items[r["indicator_id"]]
        score = rounded(r["reviewer_score"])
        points = q(r["pts"])
        if m.kind in REGULAR_KINDS:
            formula = f"{_fmt(score)} ÷ {_fmt(m.max_score)} × {_fmt(m.effective)}"
        elif m.kind == Indicator.Kind.DEDUCTION:
            formula = _("扣 %(p)s（上限 %(m)s）") % {"p": _fmt(points), "m": _fmt(m.max_score)}
            points = -points
        elif m.kind == Indicator.Kind.BONUS:
            formula = _("加 %(p)s（上限 %(m)s）") % {"p": _fmt(points), "m": _fmt(m.max_score)}
        else:
            formula = _("触发一票否决") if (score or ZERO) > 0 else _("未触发")
        lines.append(
            ItemLine(
                m.code,
                m.name,
                m.kind,
                kinds.get(m.kind, m.kind or ""),
                m.dimension_name,
                r["branch__name"] or "",
                rounded(r["self_score"]),
                score,
                m.max_score,
                None if m.effective is None else rounded(m.effective),
                points,
                formula,
            )
        )
    return lines


def _quarter_steps(exp, inputs, computation) -> None:
    """The terms of ``rules.unit_quarter``: per dimension, then loose deductions, bonus."""
    quarter = computation.quarter
    result = quarter.result
    catalogue = inputs.catalogue
    dims = set(result.dimensions) | set(quarter.branch_share) | set(quarter.unit_regular)
    dims.discard(NO_DIMENSION)
    for dim in sorted(dims, key=lambda d: catalogue.label("dimension", d)[0]):
        b_part = quarter.branch_share.get(dim, ZERO)
        u_part = quarter.unit_regular.get(dim, ZERO)
        taken = result.applied.get(dim, ZERO)
        if not (b_part or u_part or taken):
            continue
        code, name = catalogue.label("dimension", dim)
        exp.steps.append(
            Step(
                name or code,
                _("支部部分 %(b)s + 单位级指标 %(u)s − 单位扣分 %(d)s（维度不低于 0）")
                % {"b": _fmt(b_part), "u": _fmt(u_part), "d": _fmt(taken)},
                result.dimensions.get(dim, ZERO),
            )
        )
    loose = result.applied.get(NO_DIMENSION, ZERO)
    if loose or quarter.unit_deductions.get(NO_DIMENSION):
        exp.steps.append(Step(_("不属于任何维度的扣分"), _("总分不低于 0"), -loose))
    if quarter.branch_bonus or quarter.unit_bonus:
        exp.steps.append(
            Step(
                _("加分"),
                _("支部加分 %(b)s + 单位加分 %(u)s，封顶 %(cap)s")
                % {
                    "b": _fmt(quarter.branch_bonus),
                    "u": _fmt(quarter.unit_bonus),
                    "cap": _fmt(inputs.rule.bonus_cap),
                },
                result.bonus,
            )
        )
    if exp.branches:
        exp.notes.append(
            _("支部部分按“%(how)s”汇总：各支部在该维度扣分后的得分 × 权重。")
            % {"how": exp.aggregation_label}
        )


def _composite_steps(exp, inputs, computation) -> None:
    """The terms of ``rules.composite`` for the unit's row."""
    row = computation.rows[-1]
    period, plan = inputs.period, inputs.period.plan
    own = computation.quarter.result
    made = engine.composite_of(inputs, row, own.bonus)
    quarters = list(
        PeriodScore.objects.filter(
            period__plan=plan,
            period__kind__in=Period.COMPOSITES[period.kind],
            period__status__in=Period.FINISHED,
            unit_id=row.unit_id,
            branch__isnull=True,
            max_points__gt=0,
        )
        .select_related("period")
        .order_by("period__opens_on")
    )
    hints = [
        "、".join(f"{s.period.get_kind_display()} {_fmt(s.net_rate)}" for s in quarters),
        _("本节点自身指标"),
        _("样本 %(n)s 份") % {"n": row.satisfaction_sample or 0},
    ]
    labels = [_("季度平均得分率"), _("考核得分率"), _("群众满意度")]
    whole = sum((w for w, _x in made.terms), ZERO)
    got = sum((w for w, x in made.terms if x is not None), ZERO)
    for label, (_w, value) in zip(labels, made.terms, strict=True):
        if value is None:
            exp.notes.append(_("%(label)s缺失，其权重按比例分给其他项。") % {"label": label})
    if made.terms[2][1] is None and row.satisfaction_sample:
        exp.notes.append(
            _("群众满意度样本不足（%(n)s 份，少于 %(min)s 份），按缺失计。")
            % {"n": row.satisfaction_sample, "min": settings.FEEDBACK_MIN_SAMPLE}
        )
    formula = " + ".join(f"{_fmt(x)} × {w}" for w, x in made.terms if x is not None) or "0"
    if got and whole != got:
        formula = f"({formula}) × {whole} ÷ {got}"
    exp.steps.append(Step(_("加权得分"), formula, made.base))
    for label, hint, (weight, value) in zip(labels, hints, made.terms, strict=True):
        if value is not None:
            exp.notes.append(f"{label}：{_fmt(value)} × {weight}（{hint}）")
    if made.bonus:
        exp.steps.append(
            Step(
                _("加分"),
                _("各季度与本节点加分合计，封顶 %(cap)s") % {"cap": _fmt(inputs.rule.bonus_cap)},
                made.bonus,
            )
        )
    if made.deduction:
        entries = NegativeListEntry.objects.filter(
            plan=plan, unit_id=row.unit_id, effect=NegativeListEntry.Effect.DEDUCTION
        ).values_list("reason", "points")
        exp.steps.append(
            Step(
                _("负面清单扣分"),
                "；".join(f"{reason[:30]} −{_fmt(points)}" for reason, points in entries),
                -made.deduction,
            )
        )
