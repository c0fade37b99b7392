"""Demo quarterly evidence: answers in the open period (drafts, submitted, one returned,
some accepted with scores), last quarter's answers to copy from, two rectification
notices and one negative-list entry. Idempotent: it loads once, when the plans demo has
an open period, and does nothing on later runs.
"""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from assessment.models import (
    Indicator,
    NegativeListEntry,
    Period,
    Rectification,
    Submission,
    SubmissionEvent,
)
from assessment.selectors.plans import items_for
from assessment.services import rectification as rectification_service
from assessment.services import review
from assessment.services.evidence import store_evidence
from assessment.services.measures import record_measures
from assessment.services.submissions import save_draft, submit_branch
from units.models import Branch, Role, Unit, User

NARRATIVES = {
    "belief": "本季度召开支部党员大会 1 次、支委会 3 次，均把学习习近平新时代中国特色社会主义思想"
    "作为“第一议题”，会后形成学习记录并结合处室工作提出落实措施。",
    "theory": "制定季度学习计划，组织集中学习 4 次、专题研讨 1 次，党员撰写心得体会 12 篇，"
    "青年理论学习小组开展交流 1 次。",
    "organisation": "严格落实“三会一课”，按月开展主题党日；完成党员发展对象培养考察 1 名，"
    "党费按月足额交纳，组织生活会查摆问题 5 条并建立整改台账。",
    "conduct": "围绕重点工作开展蹲点调研 2 次，形成调研报告 1 篇；精简文件会议，"
    "季度内发文数量同比下降 15%。",
    "discipline": "开展廉政警示教育 1 次，组织观看警示教育片；梳理岗位廉政风险点 18 个，"
    "逐项落实防控措施，未发生违纪违规问题。",
    "service": "党员干部深入企业和基层走访 6 次，收集意见建议 14 条，已办结 12 条，"
    "其余 2 条正在协调落实，群众反映良好。",
}
RETURN_REASON = "会议记录未体现研讨发言和会后落实措施，请补充会议纪要扫描件并说明落实情况。"

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
    b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    b"4 0 obj<</Length 60>>stream\nBT /F1 18 Tf 72 760 Td (Meeting minutes - demo evidence) Tj ET\n"
    b"endstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

# (unit slug, branch name): how far the branch has got this quarter
PLAN = [
    ("fgw", "办公室党支部", "started"),  # the demo secretary: drafts, one returned, one accepted
    ("fgw", "规划处党支部", "accepted"),
    ("fgw", "投资处党支部", "submitted"),
    ("czt", "办公室党支部", "accepted"),
    ("czt", "预算处党支部", "submitted"),
    ("jyt", "办公室党支部", "drafts"),
]


def _value(item):
    rule = item.rule or {}
    if "%" in (item.number_label or ""):
        return Decimal("98")
    if rule.get("type") == "ratio":
        return Decimal(str(rule.get("target", 1)))
    if rule.get("type") == "thresholds" and rule.get("steps"):
        return Decimal(str(max(step[0] for step in rule["steps"])))
    return Decimal("3")


def _answer(item):
    data = {"narrative": NARRATIVES.get(item.standard, NARRATIVES["organisation"])}
    if item.requires_number or item.kind == Indicator.Kind.QUANTITATIVE:
        data["value"] = _value(item)
    data["self_score"] = item.max_score if item.max_score else None
    return data


def _pdf(name):
    # Each branch's record is its own file (a comment line with its name), so that only the
    # planted one is shared across branches (demo/signals.py).
    content = MINIMAL_PDF.replace(b"\n", b"\n%" + name.encode() + b"\n", 1)
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _secretary(branch):
    role = Role.objects.filter(kind=Role.Kind.SECRETARY, branch=branch).select_related("user")
    return role.first().user if role.exists() else None


def _fill_branch(period, branch, user, items, how, staff):
    minutes = store_evidence(
        _pdf(f"{branch.name}{period}支委会会议记录.pdf"),
        by=user,
        unit=branch.unit,
        branch=branch,
        period=period,
    )
    chosen = items if how != "started" else items[:5]
    for item in chosen:
        data = _answer(item)
        evidence = [minutes] if item.requires_attachment else []
        save_draft(period, branch, item, by=user, read_version=0, data=data, evidence=evidence)
    if how in ("drafts",):
        return
    submit_branch(period, branch, by=user)
    submitted = list(
        Submission.objects.filter(period=period, branch=branch, status="submitted")
        .select_related("indicator", "period__plan")
        .order_by("indicator__position", "indicator__code")
    )
    if how == "started" and submitted:
        first, *rest = submitted
        _accept(first, staff, "A")
        if rest:
            review.return_submission(
                rest[0], by=staff, read_version=rest[0].version, reason=RETURN_REASON
            )
        for item in items[5:7]:  # two drafts still being written
            save_draft(period, branch, item, by=user, read_version=0, data=_answer(item))
    elif how == "accepted":
        for number, submission in enumerate(submitted):
            _accept(submission, staff, "AABAC"[number % 5])


def _accept(submission, staff, grade):
    try:
        review.accept(submission, by=staff, read_version=submission.version, grade=grade)
    except review.SubmissionError:  # an item the rule cannot score: take the self-score
        review.accept(
            submission,
            by=staff,
            read_version=submission.version,
            score=submission.self_score or Decimal("0"),
        )


def _previous_quarter(period, branch, user, items, staff):
    """Accepted answers for the closed previous quarter, so "以此为起点" has something."""
    previous = (
        Period.objects.filter(
            plan=period.plan,
            kind__in=[Period.Kind.Q1, Period.Kind.Q2, Period.Kind.Q3],
            opens_on__lt=period.opens_on,
        )
        .order_by("-opens_on")
        .first()
    )
    if previous is None:
        return
    for item in items_for(previous, category=branch.unit.category):
        data = _answer(item)
        submission, created = Submission.objects.get_or_create(
            period=previous,
            indicator=item,
            branch=branch,
            defaults={
                "unit": branch.unit,
                "status": Submission.Status.ACCEPTED,
                "value": data.get("value"),
                "narrative": data["narrative"].replace("本季度", "上季度"),
                "self_score": data["self_score"],
                "grade": "A" if item.kind == Indicator.Kind.GRADED else "",
                "reviewer_score": item.max_score,
                "reviewed_by": staff,
                "submitted_at": dt.datetime.combine(previous.deadline, dt.time(10), tzinfo=dt.UTC),
            },
        )
        if created:
            SubmissionEvent.objects.create(
                submission=submission, by=staff, action="accept", to_status="accepted"
            )


def load():
    staff = User.objects.filter(username="committee").first()
    period = (
        Period.objects.filter(status=Period.Status.OPEN)
        .select_related("plan")
        .order_by("deadline")
        .first()
    )
    if staff is None or period is None:
        return  # no plans demo: nothing to answer
    if not Submission.objects.filter(period=period).exists():
        for slug, name, how in PLAN:
            branch = (
                Branch.objects.filter(unit__slug=slug, name=name)
                .select_related("unit__category")
                .first()
            )
            user = branch and _secretary(branch)
            if user is None:
                continue
            items = list(items_for(period, category=branch.unit.category))
            if how == "started":
                _previous_quarter(period, branch, user, items, staff)
            _fill_branch(period, branch, user, items, how, staff)
    _rectification(period, staff)
    record_measures(period, by=staff)  # 系统取数 items await review like the others


def _rectification(period, staff):
    plan = period.plan
    fgw = Unit.objects.filter(slug="fgw").first()
    if fgw is not None:
        admin = Role.objects.filter(kind=Role.Kind.UNIT_ADMIN, unit=fgw).first()
        open_problem = (
            "第三季度抽查发现：投资处党支部主题党日活动记录简单，未体现党员参与和活动成效；"
            "个别支部“三会一课”台账未按月归档。"
        )
        if not Rectification.objects.filter(plan=plan, problem=open_problem).exists():
            rectification_service.issue(
                by=staff,
                plan=plan,
                unit=fgw,
                problem=open_problem,
                found_on=period.opens_on,
                deadline=period.deadline + dt.timedelta(days=20),
            )
        closed_problem = "价格处党支部组织生活会查摆问题不具体，整改措施缺少时限和责任人。"
        if admin and not Rectification.objects.filter(plan=plan, problem=closed_problem).exists():
            notice = rectification_service.issue(
                by=staff,
                plan=plan,
                unit=fgw,
                branch=Branch.objects.filter(unit=fgw, name="价格处党支部").first(),
                problem=closed_problem,
                found_on=period.opens_on,
                deadline=period.opens_on + dt.timedelta(days=15),
            )
            rectification_service.answer(
                notice,
                by=admin.user,
                measures="支部重新召开专题会议，逐条细化整改措施，明确责任人和完成时限，"
                "整改台账已报机关党委备案。",
            )
            rectification_service.verify(notice, by=staff, comment="材料齐全，同意销号。")
    unit = Unit.objects.filter(slug="zrzyt").first()
    if unit and not NegativeListEntry.objects.filter(plan=plan, unit=unit).exists():
        rectification_service.add_to_negative_list(
            by=staff,
            plan=plan,
            unit=unit,
            reason="执法局党支部一名党员干部违反中央八项规定精神，受到党纪处分。",
            effect=NegativeListEntry.Effect.DEDUCTION,
            points=Decimal("3"),
        )
