"""述职 drafted from a scored year (tests/reports/conftest.py: 2024 Q1, unit A 510.00 of
600, unit B 420.00; B1 has three rectification notices), as PDF and as a list of grades."""

import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from assessment.models import DutyReport, Period, Submission
from assessment.selectors.duty import year_figures
from assessment.services import duty as service
from tests.factories import PeriodFactory
from tests.helpers import confirm_password
from tests.reports.conftest import _accept, pdf_text


def test_unit_figures_exact(scored):
    figures = year_figures(2024, scored["unit_a"])
    assert figures["score"] == {
        "period": "2024 第一季度",
        "total": "510.00",
        "max_points": "600.00",
        "grade": "良好",
        "rank": 1,
        "of": 2,
        "category_rank": 1,
        "category_of": 1,
        "standards": [
            [label, "85.00"]
            for label in ("信念坚实", "理论扎实", "组织夯实", "作风务实", "纪律压实", "服务求实")
        ],
    }
    assert figures["rectification"] == {
        "issued": 0,
        "measures": 0,
        "verified": 0,
        "overdue": 0,
        "rate": None,
    }
    assert [h["percent"] for h in figures["highlights"]] == ["90.0"] * 5
    assert {h["branch"] for h in figures["highlights"]} == {"甲厅第一党支部"}
    assert figures["open_problems"] == []


def test_highlights_name_the_branch_and_spread_ties_over_periods(submitted, committee):
    # A2 also reaches 90 % on every item, in Q2: twelve ties for five lines.
    q2 = PeriodFactory(
        plan=submitted["period"].plan,
        kind=Period.Kind.Q2,
        opens_on=dt.date(2024, 4, 1),
        deadline=dt.date(2024, 7, 10),
    )
    for indicator in submitted["items"]:
        _accept(q2, indicator, submitted["a2"], 9)
    service.draft_reports(2024, by=committee, unit_ids=[submitted["unit_a"].pk])
    report = DutyReport.objects.get(year=2024, unit=submitted["unit_a"], branch=None)
    assert [(h["who"], h["period"], h["item"]) for h in report.figures["highlights"]] == [
        ("甲厅第一党支部", "2024 第一季度", "信念坚实落实情况"),
        ("甲厅第二党支部", "2024 第二季度", "理论扎实落实情况"),
        ("甲厅第一党支部", "2024 第一季度", "组织夯实落实情况"),
        ("甲厅第二党支部", "2024 第二季度", "作风务实落实情况"),
        ("甲厅第一党支部", "2024 第一季度", "纪律压实落实情况"),
    ]
    assert report.highlights.splitlines()[:2] == [
        "1. 信念坚实落实情况（甲厅第一党支部，2024 第一季度，得分率 90.0%）",
        "2. 理论扎实落实情况（甲厅第二党支部，2024 第二季度，得分率 90.0%）",
    ]


def test_highlights_of_one_item_in_two_branches_read_differently(submitted, committee):
    # The tester's case: the same item, period and score in two branches.
    q1, item = submitted["period"], submitted["items"][0]
    Submission.objects.filter(period=q1, branch=submitted["a2"], indicator=item).update(
        reviewer_score=Decimal("10")
    )
    Submission.objects.filter(period=q1, branch=submitted["a1"], indicator=item).update(
        reviewer_score=Decimal("10")
    )
    service.draft_reports(2024, by=committee, unit_ids=[submitted["unit_a"].pk])
    lines = DutyReport.objects.get(year=2024, unit=submitted["unit_a"], branch=None).highlights
    assert lines.splitlines()[:2] == [
        "1. 信念坚实落实情况（甲厅第一党支部，2024 第一季度，得分率 100.0%）",
        "2. 信念坚实落实情况（甲厅第二党支部，2024 第一季度，得分率 100.0%）",
    ]
    assert len(set(lines.splitlines())) == len(lines.splitlines())


def test_branch_figures_rank_among_the_units_branches(scored):
    b = year_figures(2024, scored["unit_b"], scored["b1"])
    assert (b["score"]["total"], b["score"]["rank"], b["score"]["of"]) == ("420.00", 1, 1)
    # Rate = verified ÷ due by the end of the year: the overdue problem's deadline falls
    # after 2024, so only the verified one was due then.
    assert b["rectification"] == {
        "issued": 3,
        "measures": 0,
        "verified": 1,
        "overdue": 1,
        "rate": "100.0",
    }
    assert [p[2] for p in b["open_problems"]] == ["待整改", "已反馈"]
    a2 = year_figures(2024, scored["unit_a"], scored["a2"])
    assert (a2["score"]["total"], a2["score"]["rank"], a2["score"]["of"]) == ("480.00", 2, 2)


def test_draft_text_states_the_figures(scored, committee):
    service.draft_reports(2024, by=committee)
    report = DutyReport.objects.get(year=2024, unit=scored["unit_a"], branch=None)
    assert report.duties == (
        "2024年，省甲厅党组书记履行党建工作责任，现将情况报告如下。"
        "2024 第一季度得分 510.00（满分 600.00），排名第 1 / 2。"
        "全年整改问题 0 个，整改措施 0 条，已销号 0 个，逾期 0 个。"
    )
    assert report.highlights.splitlines()[0] == (
        "1. 信念坚实落实情况（甲厅第一党支部，2024 第一季度，得分率 90.0%）"
    )


def test_pdf_of_a_duty_report(client, scored, committee, tmp_path):
    service.draft_reports(2024, by=committee)
    report = DutyReport.objects.get(year=2024, unit=scored["unit_a"], branch=None)
    client.force_login(committee)
    response = client.get(f"/reports/duty/{report.pk}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "2024年度抓党建工作述职报告" in text
    assert "510.00" in text and "省甲厅" in text


def test_pdf_outside_scope_is_404(client, scored, committee, outsider):
    service.draft_reports(2024, by=committee)
    report = DutyReport.objects.get(year=2024, unit=scored["unit_a"], branch=None)
    client.force_login(outsider)
    assert client.get(f"/reports/duty/{report.pk}.pdf").status_code == 404


def test_grade_list_xlsx(client, scored, committee, secretary):
    service.draft_reports(2024, by=committee)
    report = DutyReport.objects.get(year=2024, branch=scored["a1"])
    service.edit_draft(
        report, by=secretary, data={"problems": "1. 台账不够规范", "plans": "1. 按季度检查台账"}
    )
    service.submit(report, by=secretary)
    service.grade(report, by=committee, grade="excellent", comment="成效明显")
    client.force_login(committee)
    confirm_password(client)
    response = client.get("/reports/duty/grades.xlsx", {"year": 2024, "status": "graded"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0] == (
        "年度",
        "单位",
        "党支部",
        "述职人",
        "状态",
        "评议等次",
        "评议意见",
        "评议时间",
    )
    assert [r[:7] for r in rows[1:]] == [
        (2024, "省甲厅", "甲厅第一党支部", "支部书记", "已评议", "好", "成效明显")
    ]
    client.force_login(secretary)
    mine = load_workbook(io.BytesIO(client.get("/reports/duty/grades.xlsx").content)).active
    assert [r[2] for r in mine.iter_rows(min_row=3, values_only=True)] == ["甲厅第一党支部"]
