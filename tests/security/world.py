"""A world for the permission matrix whose out-of-scope objects are recognisable by their
primary key alone.

1. Global objects (cycle, plan, periods, indicator system, indicators) and everything inside
   the tested roles' scopes (unit A "省甲厅" with branches A1, A2; unit C "省丙办" with C1)
   are created first, with small primary keys.
2. Every id sequence of the database is then moved to OUTSIDE_START (on PostgreSQL, which
   keeps sequences across rolled-back tests, they are first rewound to the rows present).
3. Unit B (省乙局; unit names are public) and all its objects (branch, secretary,
   submissions, evidence, rectification, negative list entry, ratings, follow-up case,
   appeal, report jobs with files, scores, lagging follow-up, API token) are created: every row with
   pk >= OUTSIDE_START belongs to B.

So for a secretary of A1, the administrator of A or the secretary of C1, ANY pk >=
OUTSIDE_START in a URL names something they must not reach, whatever model the route
looks up; and the marker text "域外" must not appear on any page they can open.
"""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from units.models import Role

OUTSIDE_START = 100000
MARKER = "域外"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def bump_sequences(start=OUTSIDE_START):
    """Every table's next id becomes start + 1 (PostgreSQL sequences or sqlite_sequence)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for seq in connection.introspection.sequence_list():
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), %s)",
                    [connection.ops.quote_name(seq["table"]), seq["column"], start],
                )
        elif connection.vendor == "sqlite":
            cursor.execute("DELETE FROM sqlite_sequence")
            for table in connection.introspection.table_names(cursor):
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, start]
                )
        else:  # pragma: no cover
            raise NotImplementedError(connection.vendor)


def rewind_sequences():
    """Every PostgreSQL sequence restarts just above the rows its table holds.

    PostgreSQL does not roll sequences back with a test's transaction: after the tests
    before this module (a 100,000-row import, many factories) the next ids may already be
    above OUTSIDE_START, and the inside objects must stay below it. (SQLite's counters are
    rolled back with the transaction.)
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for seq in connection.introspection.sequence_list():
            table = connection.ops.quote_name(seq["table"])
            column = connection.ops.quote_name(seq["column"])
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), "
                f"COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)",
                [table, seq["column"]],
            )


def _populate(unit, branch, secretary, admin, committee, g, label):
    """The objects of one unit, through the services where they exist."""
    from assessment.models import PeriodScore, Submission
    from assessment.services import rectification as rect_service
    from assessment.services.evidence import store_evidence
    from assessment.services.submissions import save_draft, submit_branch
    from assessment.services.turnaround import open_turnaround
    from feedback.services import cases as case_service
    from feedback.services.ratings import RatingInput, submit_public_rating
    from reports import services as report_service
    from reports.models import ReportJob
    from units import tokens

    evidence = store_evidence(
        SimpleUploadedFile(f"{label}会议记录.pdf", PDF + label.encode()),
        by=secretary,
        unit=unit,
        branch=branch,
        period=g["open_period"],
    )
    save_draft(
        g["open_period"],
        branch,
        g["indicator"],
        by=secretary,
        read_version=0,
        data={"narrative": f"{label}支部按月召开支委会"},
        evidence=[evidence],
    )
    submit_branch(g["open_period"], branch, by=secretary)
    Submission.objects.create(
        period=g["closed_period"],
        indicator=g["indicator"],
        unit=unit,
        branch=branch,
        status=Submission.Status.ACCEPTED,
        narrative=f"{label}上季度情况",
        reviewer_score=Decimal("8"),
        grade="B",
    )
    rect = rect_service.issue(
        by=committee,
        plan=g["plan"],
        unit=unit,
        branch=branch,
        problem=f"{label}支部组织生活不规范",
        deadline=timezone.localdate() + dt.timedelta(days=30),
    )
    rect_service.add_to_negative_list(
        by=committee,
        plan=g["plan"],
        unit=unit,
        reason=f"{label}发生违纪问题",
        effect="deduction",
        points=Decimal("2"),
    )
    good = submit_public_rating(
        RatingInput(unit=unit, level="satisfied", comment=f"{label}窗口服务好"),
        address=f"10.0.0.{unit.pk % 250}",
    )
    bad = submit_public_rating(
        RatingInput(
            unit=unit,
            level="dissatisfied",
            comment=f"{label}办事拖拉",
            contact_name="张三",
            contact_phone="13812345678",
            contact_consent=True,
        ),
        address=f"10.0.1.{unit.pk % 250}",
    )
    case_service.file_appeal(bad, user=admin, reason="mistaken", explanation=f"{label}非本单位")
    for score_branch in (None, branch):
        PeriodScore.objects.create(
            period=g["closed_period"],
            unit=unit,
            branch=score_branch,
            base=Decimal("80"),
            total=Decimal("80"),
            max_points=Decimal("100"),
            net_rate=Decimal("80"),
            tier="lagging" if score_branch else "",
        )
    turnaround = open_turnaround(
        by=committee,
        period=g["closed_period"],
        unit=unit,
        branch=branch,
        talk_on=timezone.localdate(),
        participants=f"{label}支部书记",
        agreed=f"{label}按月召开支委会",
        actions=[(f"{label}补齐会议记录", timezone.localdate() + dt.timedelta(days=30))],
    )
    scorecard = report_service.request_report(
        kind=ReportJob.Kind.SCORECARD, period=g["closed_period"], unit=unit, by=committee
    ).job
    sheet = report_service.request_report(
        kind=ReportJob.Kind.FEEDBACK_SHEET, period=g["closed_period"], branch=branch, by=committee
    ).job
    token, _key = tokens.create_token(
        name=f"{label}数据接口",
        user=admin,
        unit=unit,
        read_only=True,
        days=30,
        created_by=committee,
    )
    scorecard.refresh_from_db()
    sheet.refresh_from_db()
    return {
        "evidence": evidence,
        "rectification": rect,
        "rating": good,
        "bad_rating": bad,
        "case": bad.case,
        "scorecard": scorecard,
        "sheet": sheet,
        "token": token,
        "turnaround": turnaround,
        "submission": Submission.objects.get(
            period=g["open_period"], branch=branch, indicator=g["indicator"]
        ),
    }


def _inspection_inside(g, unit_a, unit_c, committee):
    """A published round over unit A: the 联检评审员 (a person of unit C holding no other
    role) has A's open item, beside a second inspector."""
    from assessment.services import inspection as service
    from tests.factories import UserFactory

    inspector = UserFactory(username="inspector", full_name="丙办评审员")
    round_ = service.create_round(
        by=committee,
        period=g["open_period"],
        name="甲厅联检",
        units=[unit_a],
        inspectors=[
            (inspector, unit_c),
            (UserFactory(username="inspector2", full_name="丙办评审员二"), unit_c),
        ],
    )
    service.draw_round(by=committee, round_=round_, seed=1)
    service.publish_round(round_, by=committee)
    assignment = round_.assignments.get(inspector__user=inspector)
    return {"inspector": inspector, "round": round_, "assignment": assignment}


def _inspection_outside(g, unit_b, b_admin, outsider, outside):
    """A round over unit B with B's own people as inspectors, made row by row (the drawing
    would refuse them their own unit): every row belongs to B and must stay out of reach."""
    from assessment.models import (
        InspectionAssignment,
        InspectionFinding,
        InspectionRound,
        InspectionVerdict,
        InspectorScore,
        RoundInspector,
    )

    round_ = InspectionRound.objects.create(
        period=g["open_period"], name=f"{MARKER}联检", created_by=b_admin
    )
    round_.units.set([unit_b])
    InspectionRound.objects.filter(pk=round_.pk).update(status=InspectionRound.Status.PUBLISHED)
    assignments = []
    for user in (b_admin, outsider):
        inspector = RoundInspector.objects.create(round=round_, user=user, unit=unit_b)
        assignment = InspectionAssignment.objects.create(
            round=round_, submission=outside["submission"], inspector=inspector
        )
        InspectorScore.objects.create(
            assignment=assignment, grade="A", score=Decimal("10"), comment=f"{MARKER}意见"
        )
        assignments.append(assignment)
    InspectionVerdict.objects.create(
        round=round_, submission=outside["submission"], outcome=InspectionVerdict.Outcome.PENDING
    )
    InspectionFinding.objects.create(
        assignment=assignments[0],
        unit=unit_b,
        text=f"{MARKER}发现",
        problem=outside["rectification"].problems.first(),
        recorded_by=b_admin,
    )
    return round_


def build(django_capture_on_commit_callbacks):
    from assessment.models import Indicator, Period
    from tests.factories import (
        AnnualPlanFactory,
        BranchFactory,
        CycleFactory,
        DimensionFactory,
        IndicatorFactory,
        IndicatorSystemFactory,
        PeriodFactory,
        UnitCategoryFactory,
        UnitFactory,
        UserFactory,
        user_with_role,
    )

    rewind_sequences()
    today = timezone.localdate()
    year = today.year
    g = {}
    g["cycle"] = CycleFactory(start_year=year)
    g["plan"] = AnnualPlanFactory(cycle=g["cycle"], year=year)
    g["system"] = IndicatorSystemFactory(plan=g["plan"])
    g["dimension"] = DimensionFactory(system=g["system"], code="D1", name="组织夯实")
    g["indicator"] = IndicatorFactory(
        parent=g["dimension"],
        code="B1",
        name="三会一课制度落实",
        kind=Indicator.Kind.GRADED,
        requires_text=True,
        max_score=Decimal("10"),
    )
    g["closed_period"] = PeriodFactory(
        plan=g["plan"],
        kind=Period.Kind.Q1,
        opens_on=today - dt.timedelta(days=200),
        deadline=today - dt.timedelta(days=150),
        status=Period.Status.PUBLISHED,
        system=g["system"],
    )
    g["open_period"] = PeriodFactory(
        plan=g["plan"],
        kind=Period.Kind.Q4,
        opens_on=today - dt.timedelta(days=10),
        deadline=today + dt.timedelta(days=20),
        status=Period.Status.OPEN,
        system=g["system"],
    )
    committee = user_with_role(Role.Kind.COMMITTEE, username="committee")
    leader = user_with_role(Role.Kind.LEADER, username="leader")
    nobody = UserFactory(username="nobody")

    unit_a = UnitFactory(
        name="省甲厅", short_name="甲厅", slug="jia", category=UnitCategoryFactory(code="economic")
    )
    a1 = BranchFactory(unit=unit_a, name="甲厅第一党支部")
    a2 = BranchFactory(unit=unit_a, name="甲厅第二党支部")
    unit_c = UnitFactory(
        name="省丙办", short_name="丙办", slug="bing", category=UnitCategoryFactory(code="party")
    )
    c1 = BranchFactory(unit=unit_c, name="丙办第一党支部")
    secretary = user_with_role(Role.Kind.SECRETARY, branch=a1, username="secretary")
    unit_admin = user_with_role(Role.Kind.UNIT_ADMIN, unit=unit_a, username="unitadmin")
    other_secretary = user_with_role(Role.Kind.SECRETARY, branch=c1, username="othersec")
    user_with_role(Role.Kind.UNIT_ADMIN, unit=unit_c, username="cadmin")
    # 四级协同: A's 党组书记, and a 党组成员 of A answering for A1 only.
    from units.services import grant_role

    party_secretary = user_with_role(
        Role.Kind.PARTY_SECRETARY, unit=unit_a, username="partysecretary"
    )
    party_member = UserFactory(username="partymember")
    grant_role(party_member, Role.Kind.PARTY_MEMBER, unit=unit_a, branches=[a1], by=committee)
    service = UnitCategoryFactory(code="service", name="窗口服务类")  # global, B's category
    from assessment.scoring.engine import grading_rule

    grading_rule(g["plan"])  # the plan's default rule exists (pages create it when missing)

    with django_capture_on_commit_callbacks(execute=True):
        inside = _populate(unit_a, a1, secretary, unit_admin, committee, g, "甲厅")
    for job in (inside["scorecard"], inside["sheet"]):
        job.refresh_from_db()
    from assessment.models import DutyReport, PartyConfirmation
    from assessment.services import duty as duty_service

    duty_service.draft_reports(year - 1, by=committee, unit_ids=[unit_a.pk, unit_c.pk])
    inside["duty_report"] = DutyReport.objects.get(year=year - 1, unit=unit_a, branch=None)
    inside["confirmation"] = PartyConfirmation.objects.create(
        period=g["closed_period"], unit=unit_a
    )
    keys = _narrowed_tokens(
        committee,
        unit_a,
        {
            "committee": committee,
            "leader": leader,
            "unit_admin": unit_admin,
            "secretary": secretary,
        },
    )

    inspection = _inspection_inside(g, unit_a, unit_c, committee)

    bump_sequences()

    # Unit names are public (the rating form lists every unit): the marker goes on what is not.
    unit_b = UnitFactory(
        name="省乙局",
        short_name="乙局",
        slug="yuwai",
        category=service,
    )
    b1 = BranchFactory(unit=unit_b, name="域外第一党支部", secretary_name="域外书记")
    outsider = user_with_role(
        Role.Kind.SECRETARY, branch=b1, username="outsider", full_name="域外书记"
    )
    b_admin = user_with_role(
        Role.Kind.UNIT_ADMIN, unit=unit_b, username="badmin", full_name="域外管理员"
    )
    with django_capture_on_commit_callbacks(execute=True):
        outside = _populate(unit_b, b1, outsider, b_admin, committee, g, MARKER)
    for job in (outside["scorecard"], outside["sheet"]):
        job.refresh_from_db()
    duty_service.draft_reports(year - 1, by=committee, unit_ids=[unit_b.pk])
    outside["duty_report"] = DutyReport.objects.get(year=year - 1, unit=unit_b, branch=None)
    outside["confirmation"] = PartyConfirmation.objects.create(
        period=g["closed_period"], unit=unit_b, note=f"{MARKER}已确认"
    )
    outside["inspection_round"] = _inspection_outside(g, unit_b, b_admin, outsider, outside)

    return {
        "global": g,
        "users": {
            "committee": committee,
            "leader": leader,
            "nobody": nobody,
            "secretary": secretary,
            "unit_admin": unit_admin,
            "other_secretary": other_secretary,
            "party_secretary": party_secretary,
            "party_member": party_member,
            "inspector": inspection["inspector"],
        },
        "inspection": inspection,
        "unit_a": unit_a,
        "a1": a1,
        "a2": a2,
        "unit_c": unit_c,
        "c1": c1,
        "unit_b": unit_b,
        "b1": b1,
        "inside": inside,
        "outside": outside,
        "token_keys": keys,
    }


# Every role's narrowed API tokens: "<role>:unit" (limited to unit A, may write) and
# "<role>:read_only" (every unit the role sees, reading only).
TOKEN_ROLES = ("committee", "leader", "unit_admin", "secretary")
NARROWED_TOKENS = tuple(f"{role}:{kind}" for role in TOKEN_ROLES for kind in ("unit", "read_only"))
# Tokens whose scope leaves unit B out: all but the read-only ones of who sees everything.
TOKENS_BLIND_TO_B = tuple(
    t for t in NARROWED_TOKENS if t not in ("committee:read_only", "leader:read_only")
)


def _narrowed_tokens(committee, unit_a, users) -> dict:
    """{"<role>:<kind>": key}; created before the outside range, so their pks are inside."""
    from units import tokens

    keys = {}
    for role, user in users.items():
        for kind in ("unit", "read_only"):
            _token, keys[f"{role}:{kind}"] = tokens.create_token(
                name=f"{role} {kind}",
                user=user,
                unit=unit_a if kind == "unit" else None,
                read_only=kind == "read_only",
                created_by=committee,
            )
    return keys


def outside_rows():
    """{model label: [pk, ...]} of every row at or above OUTSIDE_START."""
    from django.apps import apps

    rows = {}
    for model in apps.get_models():
        pk = model._meta.pk
        if pk.get_internal_type() not in ("AutoField", "BigAutoField"):
            continue
        pks = list(model.objects.filter(pk__gte=OUTSIDE_START).values_list("pk", flat=True))
        if pks:
            rows[model._meta.label] = pks
    return rows


GLOBAL_MODELS = {
    "units.UnitCategory",
    "units.CoordinationGroup",
    "assessment.Cycle",
    "assessment.AnnualPlan",
    "assessment.Period",
    "assessment.IndicatorSystem",
    "assessment.Indicator",
    "assessment.GradingRule",
    "feedback.RatingDimension",
    "feedback.Publication",
}


def misplaced_outside_rows(unit_b):
    """Rows in the outside range that belong to another unit than B: must be none."""
    from django.apps import apps

    wrong = [f"{label} (global)" for label in outside_rows() if label in GLOBAL_MODELS]
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        pk = model._meta.pk
        if pk.get_internal_type() not in ("AutoField", "BigAutoField"):
            continue
        high = model.objects.filter(pk__gte=OUTSIDE_START)
        if "unit" in names and model._meta.get_field("unit").many_to_one:
            bad = high.exclude(unit=unit_b).exclude(unit__isnull=True)
        elif "branch" in names and model._meta.get_field("branch").many_to_one:
            bad = high.exclude(branch__unit=unit_b).exclude(branch__isnull=True)
        else:
            continue
        wrong += [f"{model._meta.label}#{pk}" for pk in bad.values_list("pk", flat=True)]
    return wrong
