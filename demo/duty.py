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
        duty_service.edit_draft(
            own,
            by=users["partysecretary"],
            data={
                "plans": "1. 压紧压实党组主体责任，每季度专题研究机关党建。\n"
                "2. 推动党建与发展改革业务深度融合，办好“一支部一品牌”。\n"
                "3. 对照群众评议意见逐项整改，年底前全部销号。"
            },
        )
        duty_service.submit(own, by=users["partysecretary"])
    secretary = User.objects.get(username="secretary")
    branch_report = DutyReport.objects.get(
        year=YEAR, branch__unit=unit, branch__name="办公室党支部"
    )
    if branch_report.status == DutyReport.Status.DRAFT:
        duty_service.submit(branch_report, by=secretary)
        duty_service.grade(
            branch_report,
            by=committee,
            grade=DutyReport.Grade.GOOD,
            comment="“三会一课”落实规范，整改及时；群众评议意见的回应还可更快。",
        )
