"""Demo plans: the 2024–2026 three-year cycle, the default indicator system under each year
and periods with realistic windows. Idempotent.

Today in the demo is late November 2026: every 2024 and 2025 period is published; in 2026
Q1, Q2 and the half-year test are published, Q3 is closed (results being reviewed), Q4 is
open until 10 December and the annual exam is still a draft.
"""

from assessment.models import AnnualPlan, Cycle, Period, Phase
from assessment.services.indicator_template import load_template
from assessment.services.indicators import raise_satisfaction_weight
from assessment.services.periods import close_period, open_period, publish_period
from assessment.services.plans import create_default_periods
from units.models import User

START_YEAR = 2024
CYCLE_TITLE = "2024—2026年创建模范机关三年行动计划"
CYCLE_GOALS = (
    "践行“三个表率”，争做“四个模范”，以“六实”标准建设让党中央放心、让人民群众满意的模范机关；"
    "三年内机关党支部标准化规范化建设全面巩固，党建与业务深度融合，群众满意度稳步提升。"
)

PLANS = {
    2024: (
        Phase.BENCHMARK,
        "1. 普及“六实”创建标准，各单位对标制定创建方案\n"
        "2. 落实“第一议题”制度，全年覆盖全部党支部\n"
        "3. 每个协作组培育 2 个示范党支部，以上率下、全面覆盖",
        "“党建+营商环境”专项：各单位梳理服务事项清单",
    ),
    2025: (
        Phase.BREAKTHROUGH,
        "1. 聚焦对标年查摆出的薄弱环节，逐项建立整改台账\n"
        "2. 超过100人的党支部完成调整设置\n"
        "3. 纠治“四风”问题整改完成率达到 100%",
        "“以创促改”专项：整改通知书限期办结，整改率纳入季度考核",
    ),
    2026: (
        Phase.RESULTS,
        "1. 评估党建与中心业务深度融合成效\n"
        "2. 开展万人评议机关，基层群众满意度纳入年度得分\n"
        "3. 总结创建经验，建立创建模范机关长效机制",
        "模范机关评选：每三年开展一次，宣传典型经验",
    ),
}

ORDER = [Period.Status.DRAFT, Period.Status.OPEN, Period.Status.CLOSED, Period.Status.PUBLISHED]

# Target status of each 2026 period; earlier years are published throughout.
STATUS_2026 = {
    Period.Kind.Q1: Period.Status.PUBLISHED,
    Period.Kind.Q2: Period.Status.PUBLISHED,
    Period.Kind.H1: Period.Status.PUBLISHED,
    Period.Kind.Q3: Period.Status.CLOSED,
    Period.Kind.Q4: Period.Status.OPEN,
    Period.Kind.ANNUAL: Period.Status.DRAFT,
}


def load():
    staff = User.objects.filter(username="committee").first()
    cycle, _ = Cycle.objects.update_or_create(
        start_year=START_YEAR, defaults={"title": CYCLE_TITLE, "goals": CYCLE_GOALS}
    )
    for year, (phase, key_tasks, special_tasks) in PLANS.items():
        plan, created = AnnualPlan.objects.get_or_create(
            year=year,
            defaults={
                "cycle": cycle,
                "phase": phase,
                "key_tasks": key_tasks,
                "special_tasks": special_tasks,
            },
        )
        create_default_periods(plan)
        if phase == Phase.RESULTS:
            raise_satisfaction_weight(plan)
        if not plan.systems.exists():
            load_template(plan, by=staff)  # None (no committee login yet): the platform
        if staff is None:
            continue
        for period in plan.periods.all():
            _advance(period, _target(period), staff)


def _target(period) -> str:
    return Period.Status.PUBLISHED if period.plan.year < 2026 else STATUS_2026[period.kind]


def _advance(period, target, by):
    """Open and close as far as the target; publishing waits for the scores (publish_due)."""
    moves = {Period.Status.DRAFT: open_period, Period.Status.OPEN: close_period}
    while period.status in moves and ORDER.index(period.status) < ORDER.index(target):
        moves[period.status](period, by=by)


def publish_due():
    """Publish the periods the demo shows as published, freezing the scores loaded by then."""
    staff = User.objects.filter(username="committee").first()
    if staff is None:
        return
    for period in Period.objects.filter(status=Period.Status.CLOSED).select_related("plan"):
        if _target(period) == Period.Status.PUBLISHED:
            publish_period(period, by=staff)
