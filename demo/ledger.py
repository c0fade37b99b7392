"""整改台账 demo: problems from every source (the notices, the negative list and citizen
cases arrive through their own demos), measures — one serving two problems —, some overdue,
one reopened after it recurred, and a notice of three problems half answered."""

import datetime as dt

from django.utils import timezone

from assessment.models import AnnualPlan, Indicator, Problem
from assessment.selectors.plans import current_system
from assessment.services import ledger
from assessment.services import rectification as notices
from units.models import Branch, Role, Unit, User

S = Problem.Source
FIRST = "联检联评发现：规划处党支部发展党员材料缺少培养考察记录。"

# unit slug, branch name or "", source, severity, days ago found, standard, description
PROBLEMS = [
    ("fgw", "规划处党支部", S.INSPECTION, "general", 40, "organisation", FIRST),
    ("fgw", "价格处党支部", S.ON_SITE, "serious", 70, "conduct",
     "实地检查发现：价格处党支部党员学习笔记雷同，存在应付现象。"),
    ("czt", "", S.DUTY_REPORT, "general", 30, "belief",
     "述职评议反馈：党组书记述职对意识形态工作责任制落实情况讲得不具体。"),
    ("fgw", "", S.AUDIT, "serious", 90, "discipline",
     "审计发现：2025年度党费收缴台账与实际缴纳金额不一致。"),
    ("zrzyt", "", S.TOUR, "grave", 120, "discipline",
     "巡察反馈：机关党委对基层党支部监督检查不到位，问题线索处置不及时。"),
    ("czt", "预算处党支部", S.SUPERVISION, "general", 25, "service",
     "督查发现：预算审核“一次办”承诺事项落实不到位，基层单位多次往返。"),
    ("fgw", "办公室党支部", S.REVIEW_RETURN, "general", 15, "theory",
     "季度材料审核退回：办公室党支部理论学习缺少研讨发言材料。"),
]  # fmt: skip


def _indicator(system, standard):
    if system is None:
        return []
    found = (
        Indicator.objects.filter(system=system, standard=standard)
        .exclude(kind=Indicator.Kind.DIMENSION)
        .order_by("code")
        .first()
    )
    return [found] if found else []


def _admin_of(unit):
    role = Role.objects.filter(kind=Role.Kind.UNIT_ADMIN, unit=unit).select_related("user").first()
    return role.user if role else None


def load():
    staff = User.objects.filter(username="committee").first()
    if staff is None or Problem.objects.filter(description=FIRST).exists():
        return
    today = timezone.localdate()
    plan = AnnualPlan.objects.filter(year__lte=today.year).order_by("-year").first()
    system = current_system(plan) if plan else None
    units = {u.slug: u for u in Unit.objects.all()}
    raised = []
    for slug, branch_name, source, severity, days_ago, standard, text in PROBLEMS:
        unit = units.get(slug)
        if unit is None:
            continue
        branch = Branch.objects.filter(unit=unit, name=branch_name).first() if branch_name else None
        raised.append(
            ledger.raise_problem(
                staff,
                unit=unit,
                branch=branch,
                source=source,
                severity=severity,
                description=text,
                indicators=_indicator(system, standard),
                found_on=today - dt.timedelta(days=days_ago),
            )
        )
    if len(raised) < len(PROBLEMS):
        return
    # The duty-report, 巡察 and 督查 findings stay open (the 巡察 one is overdue already).
    inspection, on_site, _duty, audit, _tour, _supervision, returned = raised
    # Only 省发改委 has an administrator in the demo: the answers are its.
    fgw = units["fgw"]
    fgw_admin = _admin_of(fgw)
    # The unit's own finding (自查), recorded by its administrator.
    if fgw_admin:
        own = ledger.raise_problem(
            fgw_admin,
            unit=fgw,
            source=S.SELF_FOUND,
            description="自查发现：办公室党支部党员积分管理台账更新不及时。",
            indicators=_indicator(system, "organisation"),
            found_on=today - dt.timedelta(days=10),
        )
        ledger.add_measure(
            by=fgw_admin,
            problems=[own, inspection],
            description="建立支部台账月度互查制度，由机关党委每月抽查两个支部。",
            owner="机关党委 陈副书记",
            due_on=today + dt.timedelta(days=20),
        )
        ledger.answer(
            inspection, by=fgw_admin, text="已补齐3名发展对象的培养考察记录，并建立月度互查。"
        )
    # Answered and verified; then found again and reopened (一个问题复发).
    if fgw_admin:
        ledger.add_measure(
            by=fgw_admin,
            problems=[on_site],
            description="改进学习方式：每季度一次专题研讨，发言材料存档。",
            owner="价格处党支部书记",
            due_on=today - dt.timedelta(days=30),
        )
        ledger.answer(on_site, by=fgw_admin, text="支部重新组织专题学习，学习笔记逐人检查。")
        ledger.verify(on_site, by=staff, comment="抽查10名党员笔记，已整改。")
        ledger.reopen(on_site, by=staff, reason="第四季度抽查再次发现3名党员笔记内容雷同。")
        ledger.answer(returned, by=fgw_admin, text="已补交研讨发言材料4份。")
        ledger.verify(returned, by=staff, comment="材料齐全，同意销号。")
    # Sent back with what is missing.
    if fgw_admin:
        ledger.add_measure(
            by=fgw_admin,
            problems=[audit],
            description="逐月核对党费收缴台账与银行流水，差额逐笔说明。",
            owner="机关党委 财务委员",
            due_on=today + dt.timedelta(days=10),
        )
        ledger.answer(audit, by=fgw_admin, text="已核对台账。")
        ledger.send_back(audit, by=staff, reason="请附2025年全年党费收缴明细与银行流水核对表。")
    # A notice of three problems for 省发改委: one answered, two waiting for the unit.
    if plan is not None:
        notice = notices.issue_notice(
            by=staff,
            plan=plan,
            unit=fgw,
            deadline=today + dt.timedelta(days=25),
            problems=[
                {"description": "支部书记抓党建述职评议结果未在支部内通报。"},
                {"description": "“三会一课”会议记录缺少党员签到。"},
                {"description": "党员教育培训学时统计不完整。"},
            ],
        )
        first = notice.problems.order_by("pk").first()
        if fgw_admin:
            ledger.answer(first, by=fgw_admin, text="已在各支部党员大会上通报述职评议结果。")
