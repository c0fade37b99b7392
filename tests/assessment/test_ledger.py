"""The problem ledger: raising, answering, verifying, reopening, measures, permissions,
citizen cases following their own workflow, figures and the Changchun line."""

import datetime as dt

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from assessment.models import Measure, Problem, ProblemEvent
from assessment.selectors import rectification as selectors
from assessment.services import ledger
from assessment.services import rectification as notices
from feedback.models import Level
from feedback.services import cases
from feedback.services.ratings import RatingInput, submit_public_rating
from feedback.workdays import seed_from_library
from reports import builders
from tests.assessment.quarter_world import *  # noqa: F403
from tests.assessment.quarter_world import today
from tests.factories import UserFactory, user_with_role
from units.models import Role
from units.selectors import narrow_scope

S = Problem.Status


def _bulk_problems(unit, n, *, verified, measures, found_on, deadline, indicator=None):
    """n problems of the unit, `verified` of them verified, `measures` measures each serving
    one or two problems; set-based so thousands cost little."""
    problems = Problem.objects.bulk_create(
        Problem(
            unit=unit,
            source=Problem.Source.values[i % len(Problem.Source.values)],
            description=f"问题{i}",
            found_on=found_on,
            deadline=deadline,
            status=S.VERIFIED if i < verified else S.OPEN,
        )
        for i in range(n)
    )
    if indicator is not None:
        Problem.indicators.through.objects.bulk_create(
            Problem.indicators.through(problem_id=p.pk, indicator_id=indicator.pk)
            for p in problems[: n // 2]
        )
    author = UserFactory()
    made = Measure.objects.bulk_create(
        Measure(unit=unit, description=f"措施{i}", owner="张三", due_on=deadline, created_by=author)
        for i in range(measures)
    )
    links = []
    for i, measure in enumerate(made):
        links.append(Measure.problems.through(measure_id=measure.pk, problem_id=problems[i].pk))
        links.append(Measure.problems.through(measure_id=measure.pk, problem_id=problems[i + 1].pk))
    Measure.problems.through.objects.bulk_create(links)
    return problems


CHANGCHUN = "整改问题 2414 个，整改措施 540 条，整改率 95.5%"


def test_changchun_figures_on_the_page_the_dashboard_and_the_report(
    client, world, committee, period, graded
):
    found_on = today().replace(month=1, day=15) if today().month > 1 else today()
    _bulk_problems(
        world["unit_a"],
        2414,
        verified=2305,
        measures=540,
        found_on=found_on,
        deadline=found_on,
        indicator=graded,
    )
    client.force_login(committee)
    page = client.get("/rectification/").content.decode()
    assert CHANGCHUN in page
    assert CHANGCHUN in client.get("/").content.decode()
    report = builders.build_rectification_report(period)
    assert report.total.line == CHANGCHUN
    assert (report.total.issued, report.total.measures, report.total.verified) == (
        2414,
        540,
        2305,
    )
    html = render_to_string("reports/pdf/rectification.html", {"r": report})
    assert CHANGCHUN in html


def test_figures_by_source_standard_unit_and_group_at_a_constant_query_count(
    world, committee, graded
):
    day = today()
    _bulk_problems(
        world["unit_a"], 22, verified=11, measures=4, found_on=day, deadline=day, indicator=graded
    )
    visible = selectors.problems_visible_to(committee)
    with CaptureQueriesContext(connection) as small:
        selectors.ledger_report(visible)
    _bulk_problems(
        world["unit_b"], 300, verified=30, measures=40, found_on=day, deadline=day, indicator=graded
    )
    with CaptureQueriesContext(connection) as large:
        report = selectors.ledger_report(visible)
    assert len(small) == len(large) == 6
    assert (report.total.found, report.total.verified, report.total.measures) == (322, 41, 44)
    assert [(r.label, r.found) for r in report.by_unit] == [("省乙局", 300), ("省甲厅", 22)]
    by_standard = {r.label: r.found for r in report.by_standard}
    assert by_standard == {"组织夯实": 161, "未关联指标": 161}
    assert sum(r.found for r in report.by_source) == 322
    assert report.by_source[0].label == "考核审核发现"


def test_date_range_limits_what_was_found(world, committee):
    day = today()
    _bulk_problems(
        world["unit_a"],
        3,
        verified=3,
        measures=0,
        found_on=day - dt.timedelta(400),
        deadline=day - dt.timedelta(380),
    )
    _bulk_problems(world["unit_a"], 4, verified=1, measures=0, found_on=day, deadline=day)
    figures = selectors.figures(
        selectors.problems_visible_to(committee), date_from=day - dt.timedelta(days=10)
    )
    assert (figures.found, figures.verified, figures.due, figures.rate) == (4, 1, 4, 25)


def test_raise_answer_send_back_verify_reopen_keeps_history(world, committee, unit_admin):
    seed_from_library()
    problem = ledger.raise_problem(
        committee,
        unit=world["unit_a"],
        source=Problem.Source.AUDIT,
        description="党费收缴台账不完整",
        severity=Problem.Severity.SERIOUS,
        found_on=dt.date(2026, 9, 30),
    )
    # 20 working days after 30 September 2026 skip the National Day holiday (1–7 October).
    assert (problem.working_days, problem.deadline) == (20, dt.date(2026, 11, 3))
    ledger.answer(problem, by=unit_admin, text="已补齐台账")
    with pytest.raises(ledger.LedgerError):
        ledger.send_back(problem, by=committee, reason=" ")
    ledger.send_back(problem, by=committee, reason="缺少2025年12月记录")
    ledger.answer(problem, by=unit_admin, text="已补12月记录")
    ledger.verify(problem, by=committee)
    ledger.reopen(problem, by=committee, reason="2026年第三季度再次出现")
    assert list(problem.events.values_list("from_status", "to_status", "reason")) == [
        ("", "open", ""),
        ("open", "answered", ""),
        ("answered", "sent_back", "缺少2025年12月记录"),
        ("sent_back", "answered", ""),
        ("answered", "verified", ""),
        ("verified", "reopened", "2026年第三季度再次出现"),
    ]
    problem.refresh_from_db()
    assert (problem.status, problem.verified_at) == (S.REOPENED, None)


def test_permissions_a_unit_answers_only_its_own_and_cannot_verify(
    world, committee, unit_admin, outsider, leader
):
    own = ledger.raise_problem(
        committee, unit=world["unit_a"], source=Problem.Source.ON_SITE, description="问题甲"
    )
    other = ledger.raise_problem(
        committee, unit=world["unit_b"], source=Problem.Source.ON_SITE, description="问题乙"
    )
    assert list(selectors.problems_visible_to(unit_admin)) == [own]
    with pytest.raises(ledger.LedgerPermissionDenied):
        ledger.answer(other, by=unit_admin, text="答")
    ledger.answer(own, by=unit_admin, text="答")
    for actor in (unit_admin, leader, outsider):
        with pytest.raises(ledger.LedgerPermissionDenied):
            ledger.verify(own, by=actor)
    # A unit records only what it found itself, and only for itself.
    with pytest.raises(ledger.LedgerPermissionDenied):
        ledger.raise_problem(
            unit_admin, unit=world["unit_a"], source=Problem.Source.AUDIT, description="x"
        )
    with pytest.raises(ledger.LedgerPermissionDenied):
        ledger.raise_problem(
            unit_admin, unit=world["unit_b"], source=Problem.Source.SELF_FOUND, description="x"
        )
    mine = ledger.raise_problem(
        unit_admin, unit=world["unit_a"], source=Problem.Source.SELF_FOUND, description="自查"
    )
    assert mine.raised_by == unit_admin


def test_a_narrowed_token_binds(world, committee):
    problem = ledger.raise_problem(
        committee, unit=world["unit_a"], source=Problem.Source.ON_SITE, description="问题"
    )
    narrow_scope(committee, read_only=True)
    with pytest.raises(ledger.LedgerPermissionDenied):
        ledger.raise_problem(
            committee, unit=world["unit_a"], source=Problem.Source.ON_SITE, description="x"
        )
    assert selectors.may_decide_problem(committee, problem) is False


def test_a_measure_serves_several_problems_of_one_unit(world, committee, unit_admin):
    a = ledger.raise_problem(
        committee, unit=world["unit_a"], source=Problem.Source.TOUR, description="问题一"
    )
    b = ledger.raise_problem(
        committee, unit=world["unit_a"], source=Problem.Source.TOUR, description="问题二"
    )
    c = ledger.raise_problem(
        committee, unit=world["unit_b"], source=Problem.Source.TOUR, description="问题三"
    )
    measure = ledger.add_measure(
        by=unit_admin, problems=[a, b], description="建立台账月检", owner="李四", due_on=today()
    )
    assert set(measure.problems.all()) == {a, b}
    with pytest.raises(ledger.LedgerError):
        ledger.add_measure(
            by=committee, problems=[a, c], description="x", owner="y", due_on=today()
        )
    with pytest.raises(ledger.LedgerPermissionDenied):
        ledger.add_measure(by=unit_admin, problems=[c], description="x", owner="y", due_on=today())
    assert selectors.figures(selectors.problems_visible_to(committee)).measures == 1


def test_a_notice_with_three_problems_follows_them(world, committee, unit_admin, plan):
    notice = notices.issue_notice(
        by=committee,
        plan=plan,
        unit=world["unit_a"],
        deadline=today() + dt.timedelta(days=20),
        problems=[{"description": f"问题{i}"} for i in (1, 2, 3)],
    )
    first, second, third = notice.problems.order_by("pk")
    for problem in (first, second):
        ledger.answer(problem, by=unit_admin, text="已整改")
    notice.refresh_from_db()
    assert notice.status == "issued"
    ledger.answer(third, by=unit_admin, text="已整改")
    notice.refresh_from_db()
    assert notice.status == "answered"
    for problem in (first, second, third):
        ledger.verify(problem, by=committee)
    notice.refresh_from_db()
    assert notice.status == "verified"
    ledger.reopen(second, by=committee, reason="复发")
    notice.refresh_from_db()
    assert notice.status == "issued"
    assert list(notice.events.values_list("to_status", flat=True)) == [
        "issued",
        "answered",
        "verified",
        "issued",
    ]


def test_citizen_case_keeps_its_workflow_and_the_problem_follows(db, unit_a, committee):
    seed_from_library()
    rating = submit_public_rating(
        RatingInput(unit=unit_a, level=Level.DISSATISFIED, comment="窗口办事慢"),
        address="10.0.0.9",
    )
    case = rating.case
    problem = Problem.objects.get(case=case)
    assert (problem.source, problem.status, problem.deadline) == (
        Problem.Source.CITIZEN_CASE,
        S.OPEN,
        case.rectify_due,
    )
    assert "窗口办事慢" in problem.description
    case = cases.transition(case, "replied", user=committee)
    case = cases.transition(case, "rectified", user=committee, fix="增设窗口")
    problem.refresh_from_db()
    assert (problem.status, problem.answer) == (S.ANSWERED, "增设窗口")
    cases.close(case, user=committee)
    problem.refresh_from_db()
    assert problem.status == S.VERIFIED
    # Answered and verified on the case, never on the problem itself.
    assert selectors.may_decide_problem(committee, problem) is False
    assert ProblemEvent.objects.filter(problem=problem).count() == 3


def test_negative_list_entry_is_a_grave_problem(world, committee, plan):
    entry = notices.add_to_negative_list(
        by=committee, plan=plan, unit=world["unit_a"], reason="违反中央八项规定", effect="veto"
    )
    problem = entry.problem
    assert (problem.source, problem.severity, problem.working_days) == (
        Problem.Source.NEGATIVE_LIST,
        Problem.Severity.GRAVE,
        10,
    )


def test_a_measure_is_completed_only_by_who_handles_its_unit(world, committee, unit_admin):
    problem = ledger.raise_problem(
        committee, unit=world["unit_a"], source=Problem.Source.AUDIT, description="问题"
    )
    measure = ledger.add_measure(
        by=unit_admin,
        problems=[problem],
        description="修订制度",
        owner="李四",
        due_on=today() - dt.timedelta(days=3),
    )
    other = user_with_role(Role.Kind.UNIT_ADMIN, unit=world["unit_b"], username="other_admin")
    with pytest.raises(ledger.LedgerPermissionDenied):
        ledger.complete_measure(measure, by=other, done_on=today())
    with pytest.raises(ledger.LedgerError):
        ledger.complete_measure(measure, by=unit_admin, done_on=today() + dt.timedelta(days=1))
    narrow_scope(committee, read_only=True)
    with pytest.raises(ledger.LedgerPermissionDenied):
        ledger.complete_measure(measure, by=committee, done_on=today())
    done = ledger.complete_measure(measure, by=unit_admin, done_on=today())
    measure.refresh_from_db()
    assert (measure.done_on, done.done_late) == (today(), True)
