"""The province-scale dataset, built with bulk paths.

At scale 1.0: 150 units in 3 categories and 7 coordination groups, 1,500 branches (10 per
unit), the default 四个模范/六实 indicator system of one plan with every quarterly regular
item expanded into 4 sub-items (see ``SUB_ITEMS``), four quarters and the half-year of
reviewed (accepted) submissions for every branch and applicable item, and 500,000 citizen
ratings spread over the units and the year.

Q4 is the open quarter: ``PENDING_SHARE`` of its items still wait in the review queue (so
the queue page and the "one review" figure have work); everything else is accepted with a
reviewer's score. The annual period is not open yet.

Small tables go through ``bulk_create``; submissions and ratings through PostgreSQL
``COPY`` (``executemany`` on SQLite, used by the smoke test). Scores are NOT computed here:
the first figure (``bench.figures.scoring``) runs the real recompute.

    python -m bench.dataset --scale 0.1
"""

from __future__ import annotations

import datetime as dt
import io
import random
import time
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

YEAR = 2026
UNITS_AT_FULL = 150
BRANCHES_PER_UNIT = 10
GROUPS_AT_FULL = 7
RATINGS_AT_FULL = 500_000
SUB_ITEMS = 4  # each quarterly regular item is asked through this many sub-items
PENDING_SHARE = 0.02  # of the open quarter's items, still awaiting review
PASSWORD = "Bench-pass-2026"  # noqa: S105 - a local benchmark account
CENT = Decimal("0.01")
TZ = dt.timezone(dt.timedelta(hours=8))

CATEGORIES = [
    ("general", "综合管理类", 1),
    ("economic", "经济调节类", 2),
    ("service", "窗口服务类", 3),
]
DEPARTMENTS = [
    "发展和改革委员会",
    "财政厅",
    "教育厅",
    "科学技术厅",
    "工业和信息化厅",
    "民政厅",
    "司法厅",
    "人力资源和社会保障厅",
    "自然资源厅",
    "生态环境厅",
    "住房和城乡建设厅",
    "交通运输厅",
    "水利厅",
    "农业农村厅",
    "商务厅",
    "文化和旅游厅",
    "卫生健康委员会",
    "退役军人事务厅",
    "应急管理厅",
    "审计厅",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "政务服务和数字化局",
    "信访局",
]
BRANCH_NAMES = [
    "办公室党支部",
    "综合处党支部",
    "政策法规处党支部",
    "规划处党支部",
    "财务处党支部",
    "人事处党支部",
    "业务一处党支部",
    "业务二处党支部",
    "机关服务中心党支部",
    "离退休干部党支部",
]
NARRATIVES = [
    "已按计划完成，会议记录和照片见附件。",
    "本季度按要求开展，学习笔记和签到表已上传。",
    "已完成，相关台账齐全。",
    "按时完成，详见工作总结。",
]
COMMENTS = ["", "", "", "服务热情，办事效率高。", "窗口排队时间较长。", "材料一次讲清，很满意。"]
LEVELS = ["very_satisfied", "satisfied", "basic", "dissatisfied", "very_dissatisfied"]
LEVEL_SCORES = {
    "very_satisfied": 100,
    "satisfied": 80,
    "basic": 60,
    "dissatisfied": 40,
    "very_dissatisfied": 20,
}
OFFLINE = ["letter", "box", "phone", "visit", "supervisor", "survey"]
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


@dataclass
class Dataset:
    scale: float
    plan_id: int = 0
    period_ids: dict = field(default_factory=dict)  # kind -> pk
    committee: str = "bench-committee"
    leader: str = "bench-leader"
    units: int = 0
    branches: int = 0
    leaf_items: int = 0
    indicator_nodes: int = 0
    submissions: int = 0
    pending: int = 0
    ratings: int = 0
    seconds: float = 0.0
    steps: dict = field(default_factory=dict)

    def as_dict(self):
        return {k: v for k, v in self.__dict__.items()}


def sizes(scale: float) -> tuple[int, int, int]:
    """(units, coordination groups, ratings) at a scale; branches are 10 per unit."""
    units = max(3, round(UNITS_AT_FULL * scale))
    groups = max(2, round(GROUPS_AT_FULL * scale))
    ratings = max(200, round(RATINGS_AT_FULL * scale))
    return units, groups, ratings


# --- bulk writing ----------------------------------------------------------------------------


def _pg_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value)


def bulk_insert(model, columns: list[str], rows, *, chunk: int = 100_000) -> int:
    """Insert rows (tuples in ``columns`` order) into the model's table: COPY on
    PostgreSQL, executemany elsewhere. Values must not contain tabs or newlines."""
    table = model._meta.db_table
    count = 0
    batch: list = []

    def flush():
        nonlocal batch
        if not batch:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                buf = io.StringIO()
                for row in batch:
                    buf.write("\t".join(_pg_text(v) for v in row))
                    buf.write("\n")
                buf.seek(0)
                cursor.copy_expert(
                    f"COPY {table} ({', '.join(columns)}) FROM STDIN", buf, size=1 << 20
                )
            else:
                fields = {f.column: f for f in model._meta.concrete_fields}
                prepared = [
                    tuple(
                        fields[c].get_db_prep_value(v, connection) if v is not None else None
                        for c, v in zip(columns, row, strict=True)
                    )
                    for row in batch
                ]
                placeholders = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})",
                    prepared,
                )
        batch = []

    for row in rows:
        batch.append(row)
        count += 1
        if len(batch) >= chunk:
            flush()
    flush()
    return count


def reset() -> None:
    """Empty every table the dataset fills (PostgreSQL: one TRUNCATE … CASCADE)."""
    from assessment.models import Cycle
    from feedback.models import Rating
    from units.models import CoordinationGroup, UnitCategory, User

    models = [UnitCategory, CoordinationGroup, Cycle, User, Rating]
    if connection.vendor == "postgresql":
        tables = ", ".join(m._meta.db_table for m in models)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        return
    # SQLite (the smoke test's test database, small): delete in dependency order.
    from assessment.models import (
        Measure,
        NegativeListEntry,
        Period,
        PeriodScore,
        Problem,
        Rectification,
        ScoreSnapshot,
        Submission,
    )
    from feedback.models import Appeal, FollowUpCase, PublishedFigure, SurveyImport
    from reports.models import ReportJob
    from units.models import Branch, Unit

    for model in (ReportJob, PeriodScore, ScoreSnapshot, Measure, Problem, Submission):
        model.objects.all().delete()
    for model in (
        Rectification,
        NegativeListEntry,
        Appeal,
        FollowUpCase,
        PublishedFigure,
        SurveyImport,
    ):
        model.objects.all().delete()
    Period.objects.update(system=None)
    for model in (Period, Rating, Cycle, Branch, Unit):
        model.objects.all().delete()
    CoordinationGroup.objects.all().delete()
    UnitCategory.objects.all().delete()
    User.objects.filter(username__startswith="bench-").delete()


# --- the build -------------------------------------------------------------------------------


def vacuum(tables) -> None:
    """VACUUM ANALYZE the given tables on PostgreSQL (what autovacuum does in service)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")


def _clear_cache() -> None:
    """Figures cached for the previous dataset (satisfaction, pending recomputes) must not
    answer for this one. On Redis only the app's own keys go (config.cache.RedisCache)."""
    from django.core.cache import cache

    cache.clear()


def build(
    scale: float = 1.0, *, seed: int = 2026, branches_per_unit: int = BRANCHES_PER_UNIT, log=print
) -> Dataset:
    """Build the dataset at ``scale`` (1.0 = province) into the default database.
    ``branches_per_unit`` (10) is lowered only by the smoke test, to keep its PDFs short."""
    rng = random.Random(seed)
    info = Dataset(scale=scale)
    started = time.perf_counter()

    def step(name, t0):
        info.steps[name] = round(time.perf_counter() - t0, 2)
        log(f"  {name}: {info.steps[name]} s")

    t0 = time.perf_counter()
    reset()
    step("reset", t0)

    with transaction.atomic():
        t0 = time.perf_counter()
        units, branches, committee_id = _organisation(scale, rng, info, branches_per_unit)
        step("organisation", t0)
        t0 = time.perf_counter()
        plan, periods, leaves = _plan(info, committee_id)
        step("plan_and_indicators", t0)
        t0 = time.perf_counter()
        info.submissions = _submissions(rng, info, units, branches, periods, leaves, committee_id)
        step("submissions", t0)
        t0 = time.perf_counter()
        info.ratings = _ratings(rng, scale, units)
        step("ratings", t0)
    if connection.vendor == "postgresql":
        t0 = time.perf_counter()
        # VACUUM too: a fresh table's visibility map is empty until autovacuum has run, and
        # index-only scans need it.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        step("analyze", t0)
    _clear_cache()
    info.seconds = round(time.perf_counter() - started, 2)
    return info


def _organisation(scale, rng, info, branches_per_unit):
    from units.models import Branch, CoordinationGroup, Role, Unit, UnitCategory, User

    n_units, n_groups, _ratings = sizes(scale)
    categories = [
        UnitCategory.objects.update_or_create(
            code=code, defaults={"name": name, "sort_order": order}
        )[0]
        for code, name, order in CATEGORIES
    ]
    groups = CoordinationGroup.objects.bulk_create(
        CoordinationGroup(name=f"第{i + 1}协作组", sort_order=i) for i in range(n_groups)
    )
    units = []
    for i in range(n_units):
        dept = DEPARTMENTS[i % len(DEPARTMENTS)]
        suffix = "" if i < len(DEPARTMENTS) else f"第{i // len(DEPARTMENTS) + 1}片区"
        headcount = rng.randint(80, 420)
        units.append(
            Unit(
                name=f"省{dept}{suffix}",
                short_name=f"{dept[:6]}{i + 1}",
                slug=f"u{i + 1:03d}",
                category=categories[i % 3],
                group=groups[i % n_groups],
                headcount=headcount,
                party_affairs_staff=max(1, round(headcount * rng.uniform(0.006, 0.022))),
            )
        )
    units = Unit.objects.bulk_create(units, batch_size=1000)
    branches = Branch.objects.bulk_create(
        (
            Branch(
                unit=unit,
                name=BRANCH_NAMES[j],
                secretary_name=f"书记{unit.pk}-{j + 1}",
                member_count=rng.randint(12, 112),
            )
            for unit in units
            for j in range(branches_per_unit)
        ),
        batch_size=2000,
    )
    password = make_password(PASSWORD)
    committee = User.objects.create(
        username=info.committee, full_name="基准测试工委", password=password, is_staff=True
    )
    leader = User.objects.create(username=info.leader, full_name="基准测试领导", password=password)
    Role.objects.create(user=committee, kind=Role.Kind.COMMITTEE)
    Role.objects.create(user=leader, kind=Role.Kind.LEADER)
    info.units, info.branches = len(units), len(branches)
    return units, branches, committee.pk


def _plan(info, committee_id):
    """The cycle, the first plan with the default system, sub-items, pinned periods."""
    from assessment.models import Indicator, Period
    from assessment.services.indicator_template import load_template
    from assessment.services.plans import create_cycle
    from units.models import User

    cycle = create_cycle(
        by=User.objects.get(pk=committee_id),
        title=f"{YEAR}—{YEAR + 2}年模范机关创建三年行动计划",
        start_year=YEAR,
    )
    plan = cycle.plans.order_by("year").first()
    system = load_template(plan, by=None, note="基准测试")
    regular = (Indicator.Kind.QUANTITATIVE, Indicator.Kind.GRADED, Indicator.Kind.YES_NO)
    parents = list(
        Indicator.objects.filter(
            system=system,
            kind__in=regular,
            frequency=Indicator.Frequency.QUARTERLY,
            parent__isnull=False,
        )
    )
    children = []
    for parent in parents:
        share = (parent.max_score / SUB_ITEMS).quantize(CENT, rounding=ROUND_HALF_UP)
        for k in range(SUB_ITEMS):
            children.append(
                Indicator(
                    system=system,
                    parent=parent,
                    code=f"{parent.code}-{k + 1}",
                    name=f"{parent.name}（{k + 1}）",
                    standard=parent.standard,
                    goal=parent.goal,
                    kind=parent.kind,
                    level=parent.level,
                    max_score=share,
                    weight=Decimal(100) / SUB_ITEMS,
                    frequency=parent.frequency,
                    rule=parent.rule,
                    requires_number=parent.requires_number,
                    requires_text=parent.requires_text,
                    position=k,
                )
            )
    Indicator.objects.bulk_create(children)
    # Sub-items carry their parent's categories.
    through = Indicator.categories.through
    links = []
    parent_cats = {}
    for row in through.objects.filter(indicator__system=system).values(
        "indicator_id", "unitcategory_id"
    ):
        parent_cats.setdefault(row["indicator_id"], []).append(row["unitcategory_id"])
    for child in children:
        for cat in parent_cats.get(child.parent_id, []):
            links.append(through(indicator_id=child.pk, unitcategory_id=cat))
    through.objects.bulk_create(links)

    statuses = {
        Period.Kind.Q1: Period.Status.CLOSED,
        Period.Kind.Q2: Period.Status.CLOSED,
        Period.Kind.Q3: Period.Status.CLOSED,
        Period.Kind.H1: Period.Status.CLOSED,
        Period.Kind.Q4: Period.Status.OPEN,
        Period.Kind.ANNUAL: Period.Status.DRAFT,
    }
    periods = {}
    for period in Period.objects.filter(plan=plan):
        Period.objects.filter(pk=period.pk).update(status=statuses[period.kind], system=system)
        period.status = statuses[period.kind]
        period.system = system
        periods[period.kind] = period
    info.plan_id = plan.pk
    info.period_ids = {kind: p.pk for kind, p in periods.items()}

    items = list(Indicator.objects.filter(system=system).prefetch_related("categories"))
    has_children = {i.parent_id for i in items if i.parent_id}
    leaves = [i for i in items if i.pk not in has_children and i.kind != Indicator.Kind.DIMENSION]
    for leaf in leaves:
        leaf.category_ids = {c.pk for c in leaf.categories.all()}
    info.indicator_nodes, info.leaf_items = len(items), len(leaves)
    return plan, periods, leaves


FREQUENCY_OF = {
    "q1": "quarterly",
    "q2": "quarterly",
    "q3": "quarterly",
    "q4": "quarterly",
    "h1": "half_year",
}
GRADE_SHARES = {
    "A": Decimal("1.00"),
    "B": Decimal("0.80"),
    "C": Decimal("0.60"),
    "D": Decimal("0.40"),
}


def _score(rng, leaf, quality):
    """(value, self_score, grade, reviewer_score) for one accepted item."""
    kind = leaf.kind
    top = leaf.max_score or Decimal(0)
    frac = min(1.0, max(0.0, rng.gauss(quality, 0.12)))
    if kind == "graded":
        grade = "A" if frac >= 0.9 else "B" if frac >= 0.75 else "C" if frac >= 0.6 else "D"
        score = (top * GRADE_SHARES[grade]).quantize(CENT, rounding=ROUND_HALF_UP)
        return None, score, grade, score
    if kind == "bonus":
        score = (top * Decimal(rng.random())).quantize(CENT) if rng.random() < 0.1 else Decimal(0)
        return None, score, "", score
    if kind == "deduction":
        score = -(top * Decimal(rng.random())).quantize(CENT) if rng.random() < 0.05 else Decimal(0)
        return None, score, "", score
    if kind == "veto":
        return Decimal(0), Decimal(0), "", Decimal(0)
    score = (top * Decimal(frac)).quantize(CENT, rounding=ROUND_HALF_UP)
    value = Decimal(round(frac * 12, 1)) if kind == "quantitative" else None
    return value, score, "", score


def _submissions(rng, info, units, branches, periods, leaves, committee_id):
    from assessment.models import Submission

    columns = [
        "period_id",
        "indicator_id",
        "unit_id",
        "branch_id",
        "status",
        "value",
        "narrative",
        "self_score",
        "is_late",
        "submitted_at",
        "grade",
        "reviewer_score",
        "reviewer_comment",
        "answer",
        "reviewed_by_id",
        "reviewed_at",
        "version",
        "updated_at",
    ]
    unit_quality = {u.pk: rng.uniform(0.62, 0.97) for u in units}
    category_of = {u.pk: u.category_id for u in units}
    branches_of: dict = {}
    for b in branches:
        branches_of.setdefault(b.unit_id, []).append(b)

    def applicable(leaf, kind, level, category_id):
        return (
            leaf.level == level
            and leaf.frequency == FREQUENCY_OF[kind]
            and (not leaf.category_ids or category_id in leaf.category_ids)
        )

    pending = 0

    def rows():
        nonlocal pending
        for kind in ("q1", "q2", "q3", "q4", "h1"):
            period = periods[kind]
            deadline = dt.datetime.combine(period.deadline, dt.time(17, 0), tzinfo=TZ)
            for unit in units:
                category_id = category_of[unit.pk]
                targets = [
                    (b.pk, "branch", unit_quality[unit.pk] + rng.uniform(-0.08, 0.08))
                    for b in branches_of.get(unit.pk, [])
                ]
                targets.append((None, "unit", unit_quality[unit.pk]))
                for branch_id, level, quality in targets:
                    for leaf in leaves:
                        if not applicable(leaf, kind, level, category_id):
                            continue
                        value, score, grade, reviewer = _score(rng, leaf, quality)
                        late = rng.random() < 0.03
                        submitted = deadline + dt.timedelta(
                            hours=rng.randint(1, 72) if late else -rng.randint(1, 400)
                        )
                        reviewed = submitted + dt.timedelta(hours=rng.randint(4, 200))
                        waiting = kind == "q4" and rng.random() < PENDING_SHARE
                        if waiting:
                            pending += 1
                            status, grade, reviewer, reviewed_by, reviewed = (
                                "submitted",
                                "",
                                None,
                                None,
                                None,
                            )
                        else:
                            status, reviewed_by = "accepted", committee_id
                        yield (
                            period.pk,
                            leaf.pk,
                            unit.pk,
                            branch_id,
                            status,
                            value,
                            NARRATIVES[leaf.pk % len(NARRATIVES)],
                            score,
                            late,
                            submitted,
                            grade,
                            reviewer,
                            "",
                            "",
                            reviewed_by,
                            reviewed,
                            1,
                            reviewed or submitted,
                        )

    count = bulk_insert(Submission, columns, rows())
    info.pending = pending
    return count


def _receipt(n: int) -> str:
    chars = []
    for _i in range(8):
        n, r = divmod(n, len(RECEIPT_ALPHABET))
        chars.append(RECEIPT_ALPHABET[r])
    return "BN" + "".join(reversed(chars))


def _ratings(rng, scale, units) -> int:
    from feedback.models import Rating

    _u, _g, total = sizes(scale)
    columns = [
        "unit_id",
        "receipt",
        "level",
        "score",
        "channel",
        "evaluator_kind",
        "comment",
        "received_on",
        "created_at",
        "contact_name_encrypted",
        "contact_phone_encrypted",
        "contact_name_masked",
        "contact_phone_masked",
        "contact_consent",
        "source_hash",
        "duplicate_of_id",
        "moderation",
        "flag_reason",
        "excluded",
        "excluded_reason",
        "entered_by_id",
        "survey_batch",
    ]
    # Each unit's satisfaction leaning: cumulative weights over the five levels.
    leaning = {}
    for unit in units:
        good = rng.uniform(0.55, 0.95)
        weights = [good * 0.55, good * 0.45, (1 - good) * 0.6, (1 - good) * 0.3, (1 - good) * 0.1]
        leaning[unit.pk] = weights
    unit_ids = [u.pk for u in units]
    # From 1 January to now (or the whole year once it is over): none in the future, where
    # they would sit in every duplicate and burst window the public form checks.
    start = dt.datetime(YEAR, 1, 1, 8, 0, tzinfo=TZ)
    end = min(dt.datetime.now(TZ), dt.datetime(YEAR + 1, 1, 1, tzinfo=TZ))
    span = int((end - start).total_seconds()) if end > start else 365 * 24 * 3600

    def rows():
        for n in range(total):
            unit_id = unit_ids[n % len(unit_ids)]
            level = rng.choices(LEVELS, weights=leaning[unit_id])[0]
            at = start + dt.timedelta(seconds=rng.randrange(span))
            online = rng.random() < 0.85
            yield (
                unit_id,
                _receipt(n),
                level,
                LEVEL_SCORES[level],
                "online" if online else rng.choice(OFFLINE),
                "citizen",
                rng.choice(COMMENTS),
                at.date(),
                at,
                "",
                "",
                "",
                "",
                False,
                f"{rng.getrandbits(64):016x}" if online else "",
                None,
                "none",
                "",
                False,
                "",
                None,
                "",
            )

    return bulk_insert(Rating, columns, rows())


def main(argv=None):
    import argparse
    import json

    from bench.run import setup_django

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    setup_django()
    info = build(args.scale)
    print(json.dumps(info.as_dict(), ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
