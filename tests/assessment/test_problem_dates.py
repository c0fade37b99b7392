"""A problem's dates hold at every door (page, notice, API, import): it cannot be found in
the future nor be due before it was found. An imported file of problems names rows already
on the ledger, and links each code to the indicator of the year the problem was found in."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessment.models import Indicator, Problem
from assessment.services import ledger
from feedback.models import CalendarDay
from feedback.services.cases import settle_provisional_deadlines
from feedback.workdays import seed_from_library
from tests.assessment.quarter_world import *  # noqa: F403
from tests.assessment.quarter_world import today
from tests.factories import AnnualPlanFactory, IndicatorFactory, IndicatorSystemFactory

HEADERS = [
    *["单位", "党支部", "问题来源", "问题描述"],
    *["严重程度", "相关指标编码", "发现日期", "整改期限"],
]


def problems_file(rows):
    book = openpyxl.Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("问题.xlsx", out.getvalue())


def imported(client, rows):
    return client.post("/rectification/import/", {"file": problems_file(rows)})


def test_a_problem_found_in_the_future_is_refused(world, committee):
    tomorrow = today() + dt.timedelta(days=1)
    with pytest.raises(ledger.LedgerError) as refused:
        ledger.raise_problem(
            committee, unit=world["unit_a"], source="audit", description="甲", found_on=tomorrow
        )
    assert str(refused.value) == f"发现日期不能晚于今天（{tomorrow.isoformat()} 是未来的日期）。"


def test_a_deadline_before_the_day_found_is_refused(world, committee):
    found = today() - dt.timedelta(days=3)
    with pytest.raises(ledger.LedgerError) as refused:
        ledger.raise_problem(
            committee,
            unit=world["unit_a"],
            source="audit",
            description="甲",
            found_on=found,
            deadline=found - dt.timedelta(days=1),
        )
    assert str(refused.value) == (
        f"整改期限（{found - dt.timedelta(days=1)}）不能早于发现日期（{found}）。"
    )
    assert Problem.objects.count() == 0


def test_the_notice_page_refuses_a_deadline_in_the_past_and_keeps_the_text(
    client, world, committee, plan, system
):
    client.force_login(committee)
    response = client.post(
        "/rectification/new/",
        {
            "unit": world["unit_a"].pk,
            "problem": "会议记录缺少签到",
            "deadline": (today() - dt.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "不能早于发现日期" in body
    assert "会议记录缺少签到" in body
    assert Problem.objects.count() == 0


def test_the_problem_page_shows_today_in_the_date_picker(client, committee, world):
    client.force_login(committee)
    body = client.get("/rectification/problems/new/").content.decode()
    assert f'type="date" name="found_on" value="{today().isoformat()}"' in body


def test_the_import_refuses_future_and_backward_dates_naming_the_row(client, world, committee):
    client.force_login(committee)
    found = today() - dt.timedelta(days=10)
    response = imported(
        client,
        [
            ["省甲厅", "", "审计发现", "甲", "", "", found, found + dt.timedelta(days=5)],
            ["省甲厅", "", "审计发现", "乙", "", "", today() + dt.timedelta(days=2), ""],
            ["省甲厅", "", "审计发现", "丙", "", "", found, found - dt.timedelta(days=1)],
        ],
    )
    problems = response.context["outcome"].problems
    assert [p.line for p in problems] == [3, 4]
    assert "发现日期不能晚于今天" in problems[0].message
    assert "不能早于发现日期" in problems[1].message
    assert Problem.objects.count() == 0


def test_the_same_file_imported_again_names_the_problems_already_on_the_ledger(
    client, world, committee
):
    client.force_login(committee)
    rows = [
        ["省甲厅", "", "审计发现", "党费台账不完整", "", "", "2026/3/2", ""],
        ["省乙局", "", "督查发现", "会议记录缺签到", "", "", "2026年3月5日", ""],
    ]
    assert imported(client, rows).status_code == 302
    first = Problem.objects.get(description="党费台账不完整")

    response = imported(client, rows + [rows[0]])

    problems = response.context["outcome"].problems
    assert [(p.line, p.message) for p in problems][0] == (
        2,
        f"整改台账中已有同一问题（问题 #{first.pk}），同一文件不必再次导入。",
    )
    assert [p.line for p in problems] == [2, 3, 4]
    assert Problem.objects.count() == 2


def test_rows_repeated_within_a_file_are_named(client, world, committee):
    client.force_login(committee)
    row = ["省甲厅", "", "审计发现", "党费台账不完整", "", "", "2026-03-02", ""]
    problems = imported(client, [row, row]).context["outcome"].problems
    assert [(p.line, p.message) for p in problems] == [
        (3, "与第 2 行是同一问题（单位、来源、发现日期和描述都相同）。")
    ]


def test_a_code_links_to_the_indicator_of_the_year_the_problem_was_found(client, world, committee):
    by_year = {}
    for year in (2025, 2026, 2027):
        plan = AnnualPlanFactory(year=year)
        old = IndicatorSystemFactory(plan=plan, version=1)
        new = IndicatorSystemFactory(plan=plan, version=2)
        IndicatorFactory(system=old, parent=None, code="FW01", kind=Indicator.Kind.GRADED)
        by_year[year] = IndicatorFactory(
            system=new, parent=None, code="FW01", kind=Indicator.Kind.GRADED
        )
    client.force_login(committee)
    imported(
        client,
        [
            ["省甲厅", "", "审计发现", "二五年的问题", "", "FW01", "2025-06-01", ""],
            ["省甲厅", "", "审计发现", "二六年的问题", "", "FW01", "2026-06-01", ""],
            ["省甲厅", "", "审计发现", "更早的问题", "", "FW01", "2024-06-01", ""],
        ],
    )
    linked = {p.description: p.indicators.get() for p in Problem.objects.all()}
    assert linked == {
        "二五年的问题": by_year[2025],
        "二六年的问题": by_year[2026],
        "更早的问题": by_year[2025],
    }


def test_a_deadline_across_a_year_the_holiday_table_lacks_is_provisional_until_filled_in(
    client, world, committee
):
    CalendarDay.objects.filter(date__year=2025).delete()
    problem = ledger.raise_problem(
        committee,
        unit=world["unit_a"],
        source="audit",
        description="年底审计发现",
        found_on=dt.date(2024, 12, 30),
        working_days=5,
    )
    # 元旦 (1 January 2025) counted as a working day while 2025 is unknown.
    assert (problem.deadline, problem.deadline_provisional) == (dt.date(2025, 1, 6), True)
    client.force_login(committee)
    assert "节假日表还没有 2025 年的数据" in client.get("/rectification/").content.decode()

    seed_from_library(years={2025})
    settle_provisional_deadlines()

    problem.refresh_from_db()
    assert (problem.deadline, problem.deadline_provisional) == (dt.date(2025, 1, 7), False)
    assert "节假日表还没有" not in client.get("/rectification/").content.decode()


def test_a_deadline_given_as_a_date_is_never_provisional(world, committee):
    CalendarDay.objects.filter(date__year=2025).delete()
    problem = ledger.raise_problem(
        committee,
        unit=world["unit_a"],
        source="audit",
        description="年底审计发现",
        found_on=dt.date(2024, 12, 30),
        deadline=dt.date(2025, 1, 31),
    )
    assert problem.deadline_provisional is False
