"""四级协同 and 述职评议 in the demo: 省发改委's 党组书记 and a 党组成员 answering for two of
its branches; the 2026 plan asks for the 党组书记's signature on the half-year and annual
exams; 述职 drafts for 2025, one submitted (the 党组书记's) and one graded (the demo
secretary's). Idempotent, like the rest of the demo."""

from django.contrib.auth.hashers import make_password

from assessment.models import AnnualPlan, DutyReport
from assessment.services import duty as duty_service
from units.models import Branch, Role, Unit, User
from units.services import grant_role

from .organisation import DEMO_PASSWORD

YEAR = 2025
# username, what they see, full name
DEMO_LOGINS = [
    ("partysecretary", "党组书记 · 省发改委（只读，签字确认、述职）", "赵志刚"),
    ("partymember", "党组成员 · 省发改委规划处、投资处党支部（只读）", "刘建华"),
]
MEMBER_BRANCHES = ["规划处党支部", "投资处党支部"]


# What the authors write before submitting: a 述职 is submitted only with every section
# filled, and the platform drafts no 下一步打算 (nor 存在问题 when nothing is open).
UNIT_TEXTS = {
    "highlights": "1. 党组带头落实“第一议题”制度，全年专题学习 12 次。\n"
    "2. 各支部围绕项目审批开展“党员先锋岗”活动，服务窗口群众满意度稳步提升。",
    "problems": "1. 个别支部“三会一课”记录不够规范，学习与业务结合不紧。\n"
    "2. 群众评议意见的回应还不够及时，整改跟踪有待加强。",
    "plans": "1. 压紧压实党组主体责任，每季度专题研究机关党建。\n"
    "2. 推动党建与发展改革业务深度融合，办好“一支部一品牌”。\n"
    "3. 对照群众评议意见逐项整改，年底前全部销号。",
}
BRANCH_TEXTS = {
    "highlights": "1. 坚持每月主题党日，结合公文质量提升开展岗位练兵。",
    "problems": "1. 青年党员理论学习的深度不够，学用结合还需加强。\n"
    "2. 支部台账整理滞后于活动开展，佐证材料上传不够及时。",
    "plans": "1. 落实“三会一课”全程纪实，按季度检查台账。\n"
    "2. 组织青年党员读书分享会，每季度至少一次。\n"
    "3. 对群众评议意见建立回访清单，限时办结。",
}


def _complete(report, texts, *, by):
    """Fill the sections the platform left empty; its own wording stays."""
    empty = {name: text for name, text in texts.items() if not getattr(report, name).strip()}
    if empty:
        duty_service.edit_draft(report, by=by, data=empty)


def load():
    unit = Unit.objects.get(slug="fgw")
    password = make_password(DEMO_PASSWORD)
    users = {}
    for username, _scope, full_name in DEMO_LOGINS:
        users[username], _created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "password": password,
                "email": f"{username}@demo.example.org",
            },
        )
    staff = User.objects.filter(username="committee").first()  # None: the platform itself
    grant_role(users["partysecretary"], Role.Kind.PARTY_SECRETARY, unit=unit, by=staff)
    grant_role(
        users["partymember"],
        Role.Kind.PARTY_MEMBER,
        unit=unit,
        by=staff,
        branches=list(Branch.objects.filter(unit=unit, name__in=MEMBER_BRANCHES)),
    )
    AnnualPlan.objects.filter(year=2026).update(require_party_confirmation=True)

    committee = User.objects.get(username="committee")
    duty_service.draft_reports(YEAR, by=committee)
    own = DutyReport.objects.get(year=YEAR, unit=unit, branch__isnull=True)
    if own.status == DutyReport.Status.DRAFT:
        _complete(own, UNIT_TEXTS, by=users["partysecretary"])
        duty_service.submit(own, by=users["partysecretary"])
    secretary = User.objects.get(username="secretary")
    branch_report = DutyReport.objects.get(
        year=YEAR, branch__unit=unit, branch__name="办公室党支部"
    )
    if branch_report.status == DutyReport.Status.DRAFT:
        _complete(branch_report, BRANCH_TEXTS, by=secretary)
        duty_service.submit(branch_report, by=secretary)
        duty_service.grade(
            branch_report,
            by=committee,
            grade=DutyReport.Grade.GOOD,
            comment="“三会一课”落实规范，整改及时；群众评议意见的回应还可更快。",
        )
