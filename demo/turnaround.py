"""Demo 结果运用 and 后进转化: the 2025 annual result published (so its three uses show), and
two lagging branches followed up — one that left 后进 within two quarters, one still lagging.

The branches are chosen from the demo's scores (the unit administrator's unit first), so the
story holds whatever the scores are. Idempotent: nothing is added once follow-ups exist.
"""

import datetime as dt

from django.utils import timezone

from assessment.models import Period, Turnaround
from assessment.rules import CONVERTED, STILL_LAGGING, turnaround_outcome
from assessment.selectors.score_rows import rows_for
from assessment.selectors.turnaround import finished_quarters, is_lagging
from assessment.services.periods import publish_period
from assessment.services.turnaround import close_turnaround, open_turnaround, record_progress
from units.models import Branch, Role, User

RESULTS_YEAR = 2025

TALKS = {
    CONVERTED: (
        "机关工委组织部部长；单位机关党委专职副书记；支部书记、支部委员",
        "1. 对照“六实”标准逐项查摆，支委会每月研究一次支部建设；\n"
        "2. 落实“三会一课”，全年计划提前报机关党委备案；\n"
        "3. 与先进支部结对共建，学习组织生活记录规范。",
        ["支委会专题研究后进原因并形成整改清单", "与先进支部开展结对共建活动"],
    ),
    STILL_LAGGING: (
        "机关工委组织部副部长；单位机关党委专职副书记；支部书记",
        "1. 补齐季度报送中缺失的会议记录和佐证材料；\n"
        "2. 支部书记参加机关党委组织的专题培训；\n"
        "3. 下一季度前完成支委会换届。",
        ["补报缺失的会议记录和佐证材料", "支部书记参加专题培训", "完成支委会换届"],
    ),
}


def load():
    committee = User.objects.filter(username="committee").first()
    if committee is None:
        return
    _publish_results_year(committee)
    if Turnaround.objects.exists():
        return
    picks = _pick_branches()
    for outcome in (CONVERTED, STILL_LAGGING):
        if outcome in picks:
            _follow_up(picks[outcome], outcome, committee)


def _publish_results_year(committee):
    """The year whose results are put to use must be published; load_demo publishes every
    2025 period already, this only covers a demo built otherwise."""
    period = Period.objects.filter(plan__year=RESULTS_YEAR, kind=Period.Kind.ANNUAL).first()
    if period is not None and period.status == Period.Status.CLOSED:
        publish_period(period, by=committee)


def _pick_branches() -> dict:
    """{outcome: (period, row)}: the latest lagging branch that converted within two quarters
    and the latest that did not, preferring the demo unit administrator's unit."""
    quarters = finished_quarters()
    data = rows_for(quarters, branches=True)
    state = {(q.pk, row.branch_id): is_lagging(row) for q in quarters for row in data[q.pk][1]}
    preferred = set(
        Role.objects.filter(kind=Role.Kind.UNIT_ADMIN, user__username="unitadmin").values_list(
            "unit_id", flat=True
        )
    )
    picks, used = {}, set()
    for prefer in (True, False):
        for index in range(len(quarters) - 1, -1, -1):
            quarter = quarters[index]
            for row in data[quarter.pk][1]:
                if not is_lagging(row) or row.branch_id in used:
                    continue
                if prefer and row.unit_id not in preferred:
                    continue
                after = [state.get((q.pk, row.branch_id)) for q in quarters[index + 1 :]]
                outcome = turnaround_outcome(after)
                if outcome in (CONVERTED, STILL_LAGGING) and outcome not in picks:
                    picks[outcome] = (quarter, row)
                    used.add(row.branch_id)
    return picks


def _follow_up(pick, outcome, committee):
    period, row = pick
    participants, agreed, steps = TALKS[outcome]
    today = timezone.localdate()
    talk_on = min(period.deadline + dt.timedelta(days=7), today)
    branch = Branch.objects.select_related("unit").get(pk=row.branch_id)
    turnaround = open_turnaround(
        by=committee,
        period=period,
        unit=branch.unit,
        branch=branch,
        talk_on=talk_on,
        participants=participants,
        agreed=agreed,
        actions=[(s, talk_on + dt.timedelta(days=30 * (n + 1))) for n, s in enumerate(steps)],
    )
    admin = (
        User.objects.filter(roles__kind=Role.Kind.UNIT_ADMIN, roles__unit=branch.unit)
        .order_by("pk")
        .first()
    )
    first = turnaround.actions.order_by("deadline", "pk").first()
    if admin is not None:
        record_progress(
            turnaround,
            by=admin,
            note="支委会已专题研究，整改清单已报机关党委；第一项计划已完成。",
            done=[first.pk],
        )
    if outcome == CONVERTED:
        close_turnaround(
            turnaround,
            by=committee,
            note="转化计划已落实，之后的季度考核已脱离后进，结束跟踪。",
        )
