"""结果运用 selectors (issue 16 §4): a published annual result put to three uses, exact values
from tests/assessment/results_world.py."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment.models import DutyReport, ScoreSnapshot
from assessment.selectors import results_use as selectors
from assessment.selectors.score_rows import live_payload
from tests.assessment.results_world import *  # noqa: F403
from tests.assessment.results_world import score
from tests.factories import UnitFactory


def test_published_result_reads_the_latest_revision(results_world):
    result = selectors.published_result(2025)
    assert result.period == results_world["annual"]
    assert result.revision == 1
    assert [(r.unit_name, r.total, r.rank) for r in result.rows] == [
        ("省甲厅", Decimal("92.50"), 1),
        ("省乙局", Decimal("85.00"), 2),
        ("省丙办", Decimal("81.00"), 3),
        ("省丁委", Decimal("55.00"), 4),
    ]
    assert [y for y, _p in selectors.published_years()] == [2025]


def test_nothing_before_the_annual_result_is_published(results_world):
    assert selectors.published_result(2026) is None
    assert selectors.published_result(2024) is None


def test_awards_name_candidates_and_every_reason_of_exclusion(results_world):
    awards = selectors.awards(selectors.published_result(2025))
    assert [(a.row.unit_name, a.candidate, a.reasons) for a in awards.rows] == [
        ("省甲厅", True, []),
        ("省乙局", False, ["列入当年负面清单 1 项"]),
        ("省丙办", False, ["存在一票否决事项", "年度等次为“一般”，评先评优须为优秀或良好"]),
        (
            "省丁委",
            False,
            ["年度等次为“较差”，评先评优须为优秀或良好", "当年整改问题逾期未销号 1 个"],
        ),
    ]
    assert [a.row.unit_name for a in awards.candidates] == ["省甲厅"]
    assert awards.red_flags == []


def test_rewards_group_units_by_grade_in_rank_order(results_world):
    groups = selectors.rewards(selectors.published_result(2025))
    assert [(g.label, [r.unit_name for r in g.rows]) for g in groups] == [
        ("优秀", ["省甲厅"]),
        ("良好", ["省乙局"]),
        ("一般", ["省丙办"]),
        ("较差", ["省丁委"]),
    ]


def test_cadre_reference_counts_open_problems_today_and_dashes_missing_duty_grades(
    results_world,
):
    DutyReport.objects.create(
        year=2025,
        author_kind=DutyReport.Author.PARTY_SECRETARY,
        unit=results_world["units"]["b"],
        status=DutyReport.Status.GRADED,
        grade=DutyReport.Grade.GOOD,
    )
    rows = selectors.cadre_reference(selectors.published_result(2025))
    assert [
        (
            c.row.unit_name,
            c.row.grade_label,
            c.row.rank,
            c.duty_grade,
            c.problems.open,
            c.problems.overdue,
        )
        for c in rows
    ] == [
        ("省甲厅", "优秀", 1, None, 2, 1),
        ("省乙局", "良好", 2, "较好", 0, 0),
        ("省丙办", "一般", 3, None, 0, 0),
        ("省丁委", "较差", 4, None, 1, 1),
    ]
    assert selectors.duty_grades(2025, [results_world["units"]["a"].pk]) == {}
    assert selectors.duty_grades(2024, [results_world["units"]["b"].pk]) == {}


def test_the_uses_read_a_fixed_number_of_queries(results_world):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            result = selectors.published_result(2025)
            selectors.awards(result)
            selectors.rewards(result)
            selectors.cadre_reference(result)
        return len(ctx.captured_queries)

    before = count()
    annual = results_world["annual"]
    for n in range(5):
        score(annual, UnitFactory(), total="70", grade="fair", rank=5 + n)
    # the snapshot is frozen: a correction (revision 2) carries the new rows
    ScoreSnapshot.objects.create(
        period=annual,
        revision=2,
        data=live_payload(annual),
        reason="更正",
        created_by=ScoreSnapshot.objects.get(revision=1).created_by,
    )
    assert len(selectors.published_result(2025).rows) == 9
    assert count() == before
