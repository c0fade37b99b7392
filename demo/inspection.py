"""Demo joint inspection (联检联评): one round on 2026 Q3 across the coordination groups.

A seeded sample of Q3's items is inspected crosswise: the first group's units by people of
the second (the demo login `inspector`, 省人社厅's unit administrator, and secretaries of
市场监管局 and 政务服务局) and the second group's by two secretaries of the first; two per
item. 市场监管局's secretary scores one grade above the
others throughout (the clearly lenient inspector); one item has scores two grades apart
and waits for arbitration; `inspector` still has a few items to score, so the round stays
open (检查中). Q3 is closed, so the committee reopens it to settle the agreed scores through
the review service and closes it again, both recorded as period transitions.
Idempotent: nothing happens when the round exists.
"""

import random
from decimal import Decimal

from assessment.models import Indicator, InspectionRound, Period
from assessment.services import inspection as service
from assessment.services import periods as period_service
from units.models import Branch, CoordinationGroup, Role, Unit, User

ROUND_NAME = "2026年第三季度联检联评"
SEED = 20260930
INSPECTOR_UNIT = "rst"
OTHER_INSPECTORS = [
    ("scjg", "办公室党支部"),
    ("zwfw", "数据管理处党支部"),
    ("czt", "国库处党支部"),
    ("zzb", "机关第一党支部"),
]
SAMPLE = 40  # items drawn from Q3 for the round
LENIENT = OTHER_INSPECTORS[0]
GRADES = "ABCD"
# What a grade means as a share of full marks, for items scored in points.
SHARES = {"A": Decimal("1"), "B": Decimal("0.8"), "C": Decimal("0.6"), "D": Decimal("0.4")}
LEFT_TO_SCORE = 3  # the inspector login's items left open


def _secretary(slug, name):
    branch = Branch.objects.filter(unit__slug=slug, name=name).first()
    role = Role.objects.filter(kind=Role.Kind.SECRETARY, branch=branch).select_related("user")
    role = role.order_by("pk").first()
    return (role.user, branch.unit) if role else None


def _base_grade(rng):
    return rng.choice("ABBBCC")


def _shift(grade, by):
    return GRADES[min(max(GRADES.index(grade) + by, 0), len(GRADES) - 1)]


def load():
    staff = User.objects.filter(username="committee").first()
    login = User.objects.filter(username="inspector").first()
    q3 = Period.objects.filter(kind=Period.Kind.Q3, plan__year=2026).select_related("plan").first()
    if staff is None or login is None or q3 is None:
        return
    if InspectionRound.objects.filter(name=ROUND_NAME).exists():
        return
    home = Unit.objects.get(slug=INSPECTOR_UNIT)
    Role.objects.get_or_create(user=login, kind=Role.Kind.UNIT_ADMIN, unit=home)
    others = [_secretary(*key) for key in OTHER_INSPECTORS]
    pool = [(login, home), *[pair for pair in others if pair]]
    groups = CoordinationGroup.objects.all()
    round_ = service.create_round(
        by=staff,
        period=q3,
        name=ROUND_NAME,
        units=list(Unit.objects.filter(group__in=groups, active=True)),
        item_selection=InspectionRound.ItemSelection.COUNT,
        sample_count=SAMPLE,
        inspectors=pool,
    )
    try:
        service.draw_round(by=staff, round_=round_, seed=SEED)
    except service.InspectionError:
        return  # no Q3 items in this demo
    service.publish_round(round_, by=staff)
    lenient_user = _secretary(*LENIENT)
    lenient_user = lenient_user[0] if lenient_user else None
    rng = random.Random(SEED)
    assignments = list(
        round_.assignments.select_related("inspector__user", "submission__indicator").order_by(
            "submission_id", "inspector_id"
        )
    )
    base = {a.submission_id: _base_grade(rng) for a in assignments}
    # One item, scored by two people who read it very differently: arbitration.
    with_login = {a.submission_id for a in assignments if a.inspector.user_id == login.pk}
    disputed = next(
        (a.submission_id for a in assignments if a.submission_id not in with_login), None
    )
    disputed_seen = False
    left = [a.pk for a in assignments if a.inspector.user_id == login.pk][-LEFT_TO_SCORE:]
    for assignment in assignments:
        if assignment.pk in left:
            continue
        user = assignment.inspector.user
        grade = base[assignment.submission_id]
        if user == lenient_user:
            grade = _shift(grade, -1)  # one grade better
        if assignment.submission_id == disputed:
            grade = "A" if not disputed_seen else "D"
            disputed_seen = True
        indicator = assignment.submission.indicator
        comment = _comment(grade)
        if indicator.kind == Indicator.Kind.GRADED:
            service.score_item(assignment, by=user, grade=grade, comment=comment)
        else:
            score = (indicator.max_score * SHARES[grade]).quantize(Decimal("0.01"))
            if indicator.kind == Indicator.Kind.DEDUCTION:
                score = Decimal("0")
            service.score_item(assignment, by=user, score=score, comment=comment)
    period_service.reopen_period(q3, by=staff, reason="联检联评汇总评分")
    service.settle_round(round_, by=staff)
    period_service.close_period(q3, by=staff)


def _comment(grade):
    return {
        "A": "台账完整，记录规范，特色做法突出。",
        "B": "材料基本齐全，个别会议记录不够详细。",
        "C": "部分活动缺少原始记录，需补充完善。",
        "D": "材料缺失较多，与报送情况不符。",
    }[grade]
