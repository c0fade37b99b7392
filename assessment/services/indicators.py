"""The indicator system: scoring rules, validation, tree edits, versions, copies and diffs.

Semantics every other part of the platform relies on:

- Dimensions (kind=dimension) are the roots. Regular siblings' weights sum to 100 %;
  bonus, deduction and veto items sit outside that sum.
- An item's effective points = its parent's effective points × weight / 100; the root
  dimensions share the system's ``base_points``.
- ``max_score`` is the item's own raw scale (full marks). For bonus and deduction items it
  is the most points they can add or take away.
- A system used by a period that is open, closed or published is locked: edits are refused
  and go into a new version (``create_version``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from units.errors import ensure
from units.models import UnitCategory
from units.numbers import rounded
from units.wording import quoted

from ..models import AnnualPlan, Indicator, IndicatorSystem, Period, Phase
from ..selectors.plans import FREQUENCIES_BY_PERIOD, may_edit_plan

HUNDRED = Decimal("100")
OUTSIDE_WEIGHTS = {Indicator.Kind.BONUS, Indicator.Kind.DEDUCTION, Indicator.Kind.VETO}
UNSCORED_MAX = {Indicator.Kind.DIMENSION, Indicator.Kind.VETO}
MAX_DEPTH = 3  # dimension → item → sub-item


class SystemLocked(Exception):
    """The system is used by a period that has opened; edits need a new version."""


class InvalidEdit(Exception):
    """An edit that would break the tree; the message says why, in Chinese."""


# --- scoring rules ---------------------------------------------------------------------------


def _dec(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def score_quantitative(rule: dict, value, max_score) -> Decimal:
    """Score a reported number against an item's rule, on the item's own scale.

    ``{"type": "thresholds", "steps": [[min_value, percent_of_max], ...]}``: the highest
    step whose minimum the value reaches wins; below every step scores 0.
    ``{"type": "ratio", "target": N}``: min(value / N, 1) × max_score.
    Returns a Decimal rounded to 0.01; a missing value scores 0.
    """
    max_score = _dec(max_score)
    if value is None or value == "":
        return Decimal("0.00")
    value = _dec(value)
    kind = (rule or {}).get("type")
    if kind == "thresholds":
        reached = [
            _dec(percent) for minimum, percent in rule.get("steps", []) if value >= _dec(minimum)
        ]
        percent = max(reached) if reached else Decimal(0)
        result = max_score * min(percent, HUNDRED) / HUNDRED
    elif kind == "ratio":
        target = _dec(rule.get("target", 0))
        if target <= 0:
            raise ValueError("ratio rule needs a positive target")
        result = max_score * min(max(value, Decimal(0)) / target, Decimal(1))
    else:
        raise ValueError(f"unknown rule type: {kind!r}")
    return rounded(result)


def rule_problem(rule) -> str | None:
    """Why a quantitative rule cannot be used, in Chinese, or None when it is fine."""
    if not isinstance(rule, dict) or rule.get("type") not in ("thresholds", "ratio"):
        return _("定量指标须设置计分规则（分档 thresholds 或目标比例 ratio）。")
    try:
        if rule["type"] == "ratio":
            if _dec(rule.get("target", 0)) <= 0:
                return _("目标比例规则的目标值须大于 0。")
            return None
        steps = rule.get("steps")
        if not steps or not isinstance(steps, list):
            return _("分档规则至少需要一档。")
        for step in steps:
            minimum, percent = step
            _dec(minimum)
            if not (0 <= _dec(percent) <= 100):
                return _("分档规则的得分比例须在 0 到 100 之间。")
    except (InvalidOperation, TypeError, ValueError, KeyError):
        return _("计分规则格式不正确。")
    return None


def describe_rule(rule) -> str:
    """The rule in words for a secretary or a reviewer."""
    if not rule:
        return ""
    if rule.get("type") == "ratio":
        return _("达到目标值 %(t)s 得满分，未达到按比例得分") % {"t": rule.get("target")}
    if rule.get("type") == "thresholds":
        parts = [
            _("≥%(v)s 得 %(p)s%%") % {"v": minimum, "p": percent}
            for minimum, percent in sorted(rule.get("steps", []), key=lambda s: -_dec(s[0]))
        ]
        return "；".join(parts)
    return ""


# --- reading a tree --------------------------------------------------------------------------


@dataclass
class Node:
    item: Indicator
    depth: int
    effective: Decimal | None  # None for items outside the weights (bonus, deduction, veto)
    children: list


def load_items(system: IndicatorSystem, *, include_retired=True) -> list[Indicator]:
    items = Indicator.objects.filter(system=system).prefetch_related("categories")
    if not include_retired:
        items = items.filter(retired_at__isnull=True)
    return list(items.order_by("position", "code", "pk"))


def build_tree(system: IndicatorSystem, items=None) -> list[Node]:
    """The tree in display order, with effective points computed down from base_points."""
    items = load_items(system) if items is None else items
    by_parent = defaultdict(list)
    for item in items:
        by_parent[item.parent_id].append(item)

    def make(item, depth, parent_points):
        if item.kind in OUTSIDE_WEIGHTS or item.retired_at:
            points = None
        else:
            points = (parent_points * item.weight / HUNDRED) if parent_points is not None else None
        children = [make(child, depth + 1, points) for child in by_parent.get(item.pk, [])]
        return Node(item, depth, points, children)

    return [make(item, 0, system.base_points) for item in by_parent.get(None, [])]


def flatten(nodes) -> list[Node]:
    out = []
    for node in nodes:
        out.append(node)
        out.extend(flatten(node.children))
    return out


def effective_points(system: IndicatorSystem) -> dict:
    """{code: effective points rounded to 0.01} for every weighted, active node."""
    return {
        n.item.code: rounded(n.effective)
        for n in flatten(build_tree(system))
        if n.effective is not None
    }


# --- validation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    code: str  # the item the fault is about ("" for the system as a whole)
    message: str


def validate_system(system: IndicatorSystem, items=None) -> list[Fault]:
    """Every fault of the system, each explained in Chinese. An empty list means valid."""
    items = load_items(system) if items is None else items
    faults: list[Fault] = []
    active = [i for i in items if not i.retired_at]
    by_pk = {i.pk: i for i in items}

    seen = {}
    for item in items:
        key = item.code.strip().upper()
        if key in seen:
            faults.append(
                Fault(
                    item.code, _("编码“%(code)s”重复，每个指标的编码须唯一。") % {"code": item.code}
                )
            )
        seen[key] = item

    if not any(i.parent_id is None for i in active):
        faults.append(Fault("", _("指标体系还没有任何维度，请先添加一级维度（如“信念坚实”）。")))

    kinds_in_periods = _frequencies_reachable(system.plan)
    for item in active:
        label = quoted(f"{item.code} {item.name}")
        depth = _depth(item, by_pk)
        if item.kind == Indicator.Kind.DIMENSION:
            if item.parent_id is not None:
                faults.append(
                    Fault(item.code, _("“%(item)s”是维度，只能作为一级节点。") % {"item": label})
                )
            continue
        if item.parent_id is None:
            faults.append(
                Fault(item.code, _("“%(item)s”不是维度，须挂在某个维度之下。") % {"item": label})
            )
        elif by_pk.get(item.parent_id) and by_pk[item.parent_id].retired_at:
            faults.append(
                Fault(
                    item.code,
                    _("“%(item)s”的上级已淘汰，请移到其他上级或一并淘汰。") % {"item": label},
                )
            )
        if depth > MAX_DEPTH:
            faults.append(
                Fault(
                    item.code,
                    _("“%(item)s”层级过深，最多为“维度—指标—子指标”三级。") % {"item": label},
                )
            )
        if item.kind not in UNSCORED_MAX and item.max_score <= 0:
            faults.append(Fault(item.code, _("“%(item)s”的满分须大于 0。") % {"item": label}))
        if item.kind not in OUTSIDE_WEIGHTS and item.weight <= 0:
            faults.append(Fault(item.code, _("“%(item)s”的权重须大于 0。") % {"item": label}))
        if not item.standard:
            faults.append(Fault(item.code, _("“%(item)s”未标明所属“六实”标准。") % {"item": label}))
        if not item.goal:
            faults.append(
                Fault(item.code, _("“%(item)s”未标明服务的“四个模范”目标。") % {"item": label})
            )
        if item.kind == Indicator.Kind.QUANTITATIVE:
            problem = rule_problem(item.rule)
            if problem:
                faults.append(Fault(item.code, f"“{label}”：{problem}"))
            if not item.requires_number:
                faults.append(
                    Fault(item.code, _("“%(item)s”是定量指标，须要求填报数值。") % {"item": label})
                )
        has_children = any(c.parent_id == item.pk for c in active)
        if not has_children and item.frequency not in kinds_in_periods:
            faults.append(
                Fault(
                    item.code,
                    _(
                        "“%(item)s”的频次为“%(freq)s”，但本年度没有收集该频次的考核节点，永远不会被报送。"
                    )
                    % {"item": label, "freq": item.get_frequency_display()},
                )
            )

    faults.extend(_weight_faults(active))
    return faults


def _depth(item, by_pk) -> int:
    depth, seen = 1, set()
    while item.parent_id and item.parent_id in by_pk and item.pk not in seen:
        seen.add(item.pk)
        item = by_pk[item.parent_id]
        depth += 1
    return depth


def _frequencies_reachable(plan: AnnualPlan) -> set:
    kinds = set(plan.periods.values_list("kind", flat=True))
    reachable = set()
    for kind in kinds:
        reachable |= FREQUENCIES_BY_PERIOD.get(kind, set())
    return reachable


def _weight_faults(active) -> list[Fault]:
    """Regular siblings sum to 100 %. Where some siblings apply only to some unit
    categories, the siblings that apply to each category must sum to 100 %."""
    groups = defaultdict(list)
    for item in active:
        if item.kind not in OUTSIDE_WEIGHTS:
            groups[item.parent_id].append(item)
    by_pk = {i.pk: i for i in active}
    faults = []
    all_categories = None
    for parent_id, siblings in groups.items():
        cats = {s.pk: {c.pk: c for c in s.categories.all()} for s in siblings}
        mentioned = {}
        for found in cats.values():
            mentioned.update(found)
        checks = []  # (category label or None, total)
        if not mentioned:
            checks.append((None, sum((s.weight for s in siblings), Decimal(0))))
        else:
            if all_categories is None:
                all_categories = list(UnitCategory.objects.order_by("sort_order", "name"))
            for category in all_categories:
                total = sum(
                    (s.weight for s in siblings if not cats[s.pk] or category.pk in cats[s.pk]),
                    Decimal(0),
                )
                checks.append((category.name, total))
        parent = by_pk.get(parent_id)
        if parent_id is None:
            where, code = _("一级维度"), ""
        else:
            label = quoted(f"{parent.code} {parent.name}") if parent else "?"
            where, code = _("“%(p)s”的下级指标") % {"p": label}, parent.code if parent else ""
        for category, total in checks:
            if total == HUNDRED:
                continue
            scope = _("（适用于“%(c)s”的）") % {"c": category} if category else ""
            faults.append(
                Fault(
                    code,
                    _(
                        "%(where)s%(scope)s权重合计为 %(total)s%%，应为 100%%"
                        "（加分、扣分和一票否决项不计入）。"
                    )
                    % {"where": where, "scope": scope, "total": _fmt(total)},
                )
            )
    return faults


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else f"{value:.2f}"


# --- locks and versions ----------------------------------------------------------------------

LOCKING_STATUSES = [Period.Status.OPEN, Period.Status.CLOSED, Period.Status.PUBLISHED]


def locking_periods(system: IndicatorSystem):
    return system.periods.filter(status__in=LOCKING_STATUSES).order_by("opens_on")


def is_locked(system: IndicatorSystem) -> bool:
    return locking_periods(system).exists()


def ensure_editable(system: IndicatorSystem) -> None:
    periods = list(locking_periods(system).select_related("plan"))
    if periods:
        names = "、".join(str(p) for p in periods)
        raise SystemLocked(
            _(
                "该版本已被考核节点（%(periods)s）使用，其中的指标不能再悄悄改动："
                "请“创建新版本”后在新版本中修改，新版本将用于之后开放的节点。"
            )
            % {"periods": names}
        )


def _copy_items(source: IndicatorSystem, target: IndicatorSystem, *, include_retired=True):
    """Copy every item (and its categories) from one system to another; returns {old_pk: new}."""
    items = load_items(source, include_retired=include_retired)
    mapping = {}
    by_parent = defaultdict(list)
    for item in items:
        by_parent[item.parent_id].append(item)

    def copy(parent_old, parent_new):
        for item in by_parent.get(parent_old, []):
            categories = list(item.categories.all())
            old_pk = item.pk
            item.pk = None
            item.id = None
            item.system = target
            item.parent = parent_new
            item._prefetched_objects_cache = {}  # the old item's categories
            item.save()
            item.categories.set(categories)
            mapping[old_pk] = item
            copy(old_pk, item)

    copy(None, None)
    return mapping


def next_version(plan: AnnualPlan) -> int:
    return (plan.systems.aggregate(v=Max("version"))["v"] or 0) + 1


def ensure_may_edit(by) -> None:
    ensure(may_edit_plan(by), _("只有工委工作人员可以修改指标体系。"))


def create_empty_system(plan: AnnualPlan, *, by) -> IndicatorSystem:
    """A blank system as the plan's next version, for a deployment building its own tree."""
    ensure_may_edit(by)
    return IndicatorSystem.objects.create(
        plan=plan, version=next_version(plan), note=_("自建指标体系")
    )


@transaction.atomic
def create_version(system: IndicatorSystem, *, by, note: str = "") -> IndicatorSystem:
    """Copy a system as the plan's next version; periods opened later use the new one."""
    ensure_may_edit(by)
    new = IndicatorSystem.objects.create(
        plan=system.plan,
        version=next_version(system.plan),
        base_points=system.base_points,
        note=note or _("由第 %(v)d 版复制") % {"v": system.version},
    )
    _copy_items(system, new)
    return new


# --- tree edits (each refused when the system is locked) -------------------------------------


def _next_position(system, parent) -> int:
    last = Indicator.objects.filter(system=system, parent=parent).aggregate(p=Max("position"))["p"]
    return 0 if last is None else last + 1


def _check_parent(item: Indicator, parent: Indicator | None):
    if parent is None:
        if item.kind != Indicator.Kind.DIMENSION:
            raise InvalidEdit(_("只有维度可以作为一级节点，请选择上级。"))
        return
    if item.kind == Indicator.Kind.DIMENSION:
        raise InvalidEdit(_("维度只能作为一级节点，不能设置上级。"))
    if parent.system_id != item.system_id:
        raise InvalidEdit(_("上级须属于同一指标体系。"))
    if parent.kind in OUTSIDE_WEIGHTS:
        raise InvalidEdit(_("加分、扣分和一票否决项下不能再挂指标。"))
    ancestor, parent_depth = parent, 0
    while ancestor is not None:
        if item.pk and ancestor.pk == item.pk:
            raise InvalidEdit(_("不能把指标移到它自己或它的下级之下。"))
        parent_depth += 1
        ancestor = ancestor.parent
    depth = parent_depth + 1 + _subtree_height(item)
    if depth > MAX_DEPTH:
        raise InvalidEdit(_("层级过深：最多为“维度—指标—子指标”三级。"))


def _subtree_height(item) -> int:
    if not item.pk:
        return 0
    height, frontier = 0, [item.pk]
    while True:
        frontier = list(
            Indicator.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        if not frontier:
            return height
        height += 1


@transaction.atomic
def save_item(item: Indicator, *, by, categories=None) -> Indicator:
    """Create or change an item (from the editor's form) after the lock and tree checks."""
    ensure_may_edit(by)
    ensure_editable(item.system)
    _check_parent(item, item.parent)
    if (
        Indicator.objects.filter(system=item.system, code__iexact=item.code)
        .exclude(pk=item.pk)
        .exists()
    ):
        raise InvalidEdit(_("编码“%(code)s”已被本体系的其他指标使用。") % {"code": item.code})
    if item.pk is None:
        item.position = _next_position(item.system, item.parent)
    else:
        before = Indicator.objects.get(pk=item.pk)
        if before.parent_id != item.parent_id:
            item.position = _next_position(item.system, item.parent)
    item.save()
    if categories is not None:
        item.categories.set(categories)
    return item


@transaction.atomic
def move_item(item: Indicator, direction: str, *, by) -> None:
    """Swap an item with its previous or next sibling."""
    ensure_may_edit(by)
    ensure_editable(item.system)
    siblings = list(
        Indicator.objects.filter(system=item.system, parent=item.parent_id).order_by(
            "position", "code", "pk"
        )
    )
    index = next(i for i, s in enumerate(siblings) if s.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings):
        if sibling.position != position:
            sibling.position = position
            sibling.save(update_fields=["position"])


@transaction.atomic
def reweight(system: IndicatorSystem, parent: Indicator | None, weights: dict, *, by) -> None:
    """Set the weights of a group of siblings at once; refused unless they sum to 100 %."""
    ensure_may_edit(by)
    ensure_editable(system)
    siblings = list(
        Indicator.objects.filter(system=system, parent=parent, retired_at__isnull=True).exclude(
            kind__in=OUTSIDE_WEIGHTS
        )
    )
    total = sum((_dec(weights.get(s.pk, s.weight)) for s in siblings), Decimal(0))
    if total != HUNDRED:
        raise InvalidEdit(
            _("同级权重合计为 %(total)s%%，应为 100%%，未保存。请调整后再保存。")
            % {"total": _fmt(total)}
        )
    for sibling in siblings:
        new = _dec(weights.get(sibling.pk, sibling.weight))
        if new <= 0:
            raise InvalidEdit(_("“%(item)s”的权重须大于 0。") % {"item": sibling.name})
        if new != sibling.weight:
            sibling.weight = new
            sibling.save(update_fields=["weight"])


@transaction.atomic
def retire_item(item: Indicator, *, by, reason: str) -> None:
    """淘汰: the item (and anything under it) leaves the system but stays in its history."""
    ensure_may_edit(by)
    ensure_editable(item.system)
    if not reason.strip():
        raise InvalidEdit(_("淘汰指标须写明原因。"))
    now = timezone.now()
    ids, frontier = [item.pk], [item.pk]
    while frontier:
        frontier = list(
            Indicator.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        ids += frontier
    Indicator.objects.filter(pk__in=ids, retired_at__isnull=True).update(
        retired_at=now, retired_reason=reason.strip()[:200]
    )


@transaction.atomic
def restore_item(item: Indicator, *, by) -> None:
    ensure_may_edit(by)
    ensure_editable(item.system)
    if item.parent_id and item.parent.retired_at:
        raise InvalidEdit(_("上级已淘汰，请先恢复上级。"))
    item.retired_at = None
    item.retired_reason = ""
    item.save(update_fields=["retired_at", "retired_reason"])


# --- year over year --------------------------------------------------------------------------

PRESET_FACTOR = Decimal("1.5")
# What each phase leans on when last year's system is copied into it.
PHASE_FOCUS = {
    Phase.BENCHMARK: Indicator.Focus.STANDARDS,
    Phase.BREAKTHROUGH: Indicator.Focus.RECTIFICATION,
    Phase.RESULTS: Indicator.Focus.OUTCOME,
}
RESULTS_YEAR_SATISFACTION = Decimal("0.20")


def spread_to_hundred(raw: dict) -> dict:
    """Scale positive numbers to sum exactly 100.00 (largest remainder on cents)."""
    total = sum(raw.values(), Decimal(0))
    if total <= 0:
        return dict(raw)
    cents = {k: v * 10000 / total for k, v in raw.items()}
    floors = {k: int(v) for k, v in cents.items()}
    left = 10000 - sum(floors.values())
    for k in sorted(cents, key=lambda k: (-(cents[k] - floors[k]), str(k)))[:left]:
        floors[k] += 1
    return {k: Decimal(v) / 100 for k, v in floors.items()}


def apply_phase_preset(system: IndicatorSystem, phase: str) -> list[str]:
    """Lean a system's weights towards what the phase stresses; returns the changed codes.

    Within each group of siblings that holds an item with the phase's focus, those items'
    weights are multiplied by 1.5 and the group is rescaled to 100 %. An item whose full
    marks equalled its effective points keeps that property.
    """
    focus = PHASE_FOCUS.get(phase)
    if not focus:
        return []
    before = effective_points(system)
    items = load_items(system, include_retired=False)
    groups = defaultdict(list)
    for item in items:
        if item.kind not in OUTSIDE_WEIGHTS:
            groups[item.parent_id].append(item)
    changed = []
    for siblings in groups.values():
        if not any(s.focus == focus for s in siblings) or all(s.focus == focus for s in siblings):
            continue
        raw = {s.pk: s.weight * (PRESET_FACTOR if s.focus == focus else 1) for s in siblings}
        new = spread_to_hundred(raw)
        for s in siblings:
            if new[s.pk] != s.weight:
                s.weight = new[s.pk]
                s.save(update_fields=["weight"])
                changed.append(s.code)
    after = effective_points(system)
    for item in items:
        if item.code in before and before[item.code] == item.max_score:
            if after[item.code] != item.max_score:
                Indicator.objects.filter(pk=item.pk).update(max_score=after[item.code])
    return changed


@transaction.atomic
def copy_to_plan(system: IndicatorSystem, target_plan: AnnualPlan, *, apply_preset=True):
    """Copy a system's active items into another year's plan as its next version, leaning the
    weights towards the target year's phase. In a 问效年 the plan's satisfaction weight rises."""
    new = IndicatorSystem.objects.create(
        plan=target_plan,
        version=next_version(target_plan),
        base_points=system.base_points,
        note=_("由 %(year)d 年第 %(v)d 版复制") % {"year": system.plan.year, "v": system.version},
    )
    _copy_items(system, new, include_retired=False)
    changed = apply_phase_preset(new, target_plan.phase) if apply_preset else []
    if apply_preset and target_plan.phase == Phase.RESULTS:
        raise_satisfaction_weight(target_plan)
    return new, changed


def raise_satisfaction_weight(plan: AnnualPlan, to=RESULTS_YEAR_SATISFACTION) -> None:
    """Give citizen satisfaction more say, taking the difference from the quarterly mean."""
    current = _dec(plan.weight_satisfaction)
    if current >= to:
        return
    delta = to - current
    plan.weight_satisfaction = to
    plan.weight_quarterly = max(_dec(plan.weight_quarterly) - delta, Decimal(0))
    plan.save(update_fields=["weight_satisfaction", "weight_quarterly"])


# --- diff ------------------------------------------------------------------------------------


@dataclass
class Change:
    code: str
    name: str
    before: Indicator | None
    after: Indicator | None
    points_before: Decimal | None = None
    points_after: Decimal | None = None
    fields: tuple = ()

    @property
    def field_labels(self) -> tuple:
        """The changed fields as the pages name them (名称, 计分规则 …)."""
        return tuple(
            _("上级指标") if name == "parent_code" else Indicator._meta.get_field(name).verbose_name
            for name in self.fields
        )


COMPARED_FIELDS = (
    "name",
    "kind",
    "standard",
    "goal",
    "level",
    "frequency",
    "parent_code",
    "rule",
    "evidence_guide",
    "description",
)


def diff_systems(a: IndicatorSystem, b: IndicatorSystem) -> dict:
    """What changed from system a to system b, matched on item code: added, removed (or
    retired), reweighted (weight, full marks or effective points) and otherwise changed."""
    items_a = {i.code: i for i in load_items(a) if not i.retired_at}
    items_b_all = {i.code: i for i in load_items(b)}
    items_b = {c: i for c, i in items_b_all.items() if not i.retired_at}
    points_a, points_b = effective_points(a), effective_points(b)
    codes_a = {i.pk: i.code for i in items_a.values()}
    codes_b = {i.pk: i.code for i in items_b_all.values()}
    result = {"added": [], "removed": [], "retired": [], "reweighted": [], "changed": []}
    for code, item in items_b.items():
        if code not in items_a:
            result["added"].append(Change(code, item.name, None, item, None, points_b.get(code)))
    for code, item in items_a.items():
        if code not in items_b:
            retired = items_b_all.get(code)
            bucket = "retired" if retired is not None else "removed"
            result[bucket].append(Change(code, item.name, item, retired, points_a.get(code)))
            continue
        other = items_b[code]
        change = Change(code, other.name, item, other, points_a.get(code), points_b.get(code))
        if (
            item.weight != other.weight
            or item.max_score != other.max_score
            or change.points_before != change.points_after
        ):
            result["reweighted"].append(change)
        fields = []
        for name in COMPARED_FIELDS:
            if name == "parent_code":
                if codes_a.get(item.parent_id) != codes_b.get(other.parent_id):
                    fields.append(name)
            elif getattr(item, name) != getattr(other, name):
                fields.append(name)
        if fields:
            change.fields = tuple(fields)
            result["changed"].append(change)
    return result
