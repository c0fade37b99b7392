import io
import re

import pytest
from openpyxl import load_workbook

from assessment.scoring import engine as scoring_engine
from assessment.selectors import scores as engine
from reports import builders, services
from tests.assessment import scoring_world

from .conftest import pdf_fonts, pdf_text

# the headline boxes: total, overall rank, category rank, grade
HEADLINE = r"总分\s+总排名\s+分类排名\s+等次\s+{total}\s+{rank}\s+{category_rank}\s+{grade}"


def test_scorecard_pdf_shows_the_unit_its_total_and_rank(scored, tmp_path):
    text = pdf_text(services.render_scorecard_pdf(scored["period"], scored["unit_a"]), tmp_path)
    assert "省甲厅" in text
    assert "模范机关创建考核得分报告" in text
    assert re.search(HEADLINE.format(total=r"510\.00", rank=1, category_rank=1, grade="良好"), text)
    # per item: full marks, the unit's mean, its rate, the branches' range, submitted, full
    assert re.search(
        r"1\.1\s+信念坚实落实情况\s+100\.00\s+85\.00\s+85\.0\s+80\.00–90\.00\s+2/2\s+0", text
    )
    assert "材料齐全，成效明显" not in text  # per-branch comments are on the feedback sheets


def test_scorecard_pdf_total_and_rank_are_the_engines(world, tmp_path):
    w = scoring_world.build(existing=world)
    scoring_engine.recompute_plan(w["plan"])
    rows = {r.unit_id: r for r in engine.period_ranking(w["q1"])}
    for unit, total, rank in [(w["c"], "80.50", 1), (w["b"], "63.00", 3)]:
        row = rows[unit.pk]
        assert (str(row.total), row.rank) == (total, rank)  # the hand-computed world
        text = pdf_text(services.render_scorecard_pdf(w["q1"], unit), tmp_path)
        assert re.search(
            HEADLINE.format(
                total=re.escape(str(row.total)),
                rank=row.rank,
                category_rank=row.category_rank,
                grade=row.grade_label,
            ),
            text,
        ), text[:600]


def test_scorecard_pdf_of_a_period_without_engine_scores_says_not_scored(submitted, tmp_path):
    text = pdf_text(
        services.render_scorecard_pdf(submitted["period"], submitted["unit_a"]), tmp_path
    )
    assert re.search(HEADLINE.format(total="—", rank="—", category_rank="—", grade="未评分"), text)
    assert "本单位在本考核节点尚无计分结果" in text


def test_scorecard_pdf_embeds_a_cjk_font(scored, tmp_path):
    fonts = pdf_fonts(services.render_scorecard_pdf(scored["period"], scored["unit_a"]), tmp_path)
    lines = fonts.splitlines()[2:]
    assert lines and all("Noto-Sans-SC-Subset" in line for line in lines), fonts
    # every font embedded (the margin boxes too: they carry the same font-family)
    assert all(line.split()[-5:-3] == ["yes", "yes"] for line in lines), fonts


def test_scorecard_pdf_has_page_numbers_and_running_header(scored, tmp_path):
    text = pdf_text(services.render_scorecard_pdf(scored["period"], scored["unit_a"]), tmp_path)
    assert re.search(r"第\s*2\s*页\s*/\s*共\s*\d+\s*页", text)
    assert "2024年第一季度 · 考核得分报告" in text


def test_bulletin_pdf_ranks_every_unit(scored, tmp_path):
    text = pdf_text(services.render_bulletin_pdf(scored["period"]), tmp_path)
    assert re.search(r"1\s+省甲厅\s+经济调节类\s+510\.00\s+良好", text)
    assert re.search(r"2\s+省乙局\s+窗口服务类\s+420\.00\s+一般", text)
    assert "违反中央八项规定精神被通报" in text


def test_bulletin_xlsx_keeps_numbers_as_numbers(scored):
    book = load_workbook(io.BytesIO(services.render_bulletin_xlsx(scored["period"])))
    sheet = book["综合排名"]
    header = [c.value for c in sheet[2]]
    assert header[:6] == ["排名", "分类排名", "单位", "分类", "总分", "等次"]
    first = [c.value for c in sheet[3]]
    assert first[0] == 1 and first[2] == "省甲厅"
    assert first[4] == 510 and isinstance(first[4], int | float)  # a number, not text
    assert sheet["E3"].data_type == "n"
    assert first[6:12] == [85.0] * 6
    second = [c.value for c in sheet[4]]
    assert second[-1] == pytest.approx(50.0)
    assert book["负面清单"]["C3"].value == 2.0


def test_bulletin_xlsx_title_row_names_the_period_and_its_status(scored):
    period = scored["period"]
    book = load_workbook(io.BytesIO(services.render_bulletin_xlsx(period)))
    expected = (
        f"考核结果通报 · {period.plan.year}年{period.get_kind_display()}"
        f"（{period.get_status_display()}） · 实时计算 · 未发布"
    )
    for name in ("综合排名", "负面清单", "整改情况"):
        assert book[name]["A1"].value == expected
        assert book[name].freeze_panes == "A3"


def test_feedback_sheet_pdf_shows_the_return_reason(scored, tmp_path):
    text = pdf_text(services.render_feedback_sheet_pdf(scored["period"], scored["a1"]), tmp_path)
    assert "甲厅第一党支部" in text
    assert "佐证材料缺少会议记录" in text


def test_rectification_pdf_shows_the_rate_and_overdue_notices(scored, tmp_path):
    text = pdf_text(services.render_rectification_pdf(scored["period"]), tmp_path)
    assert "整改问题 3 个，整改措施 0 条，整改率 50.0%" in text
    assert "逾期" in text
    assert "三会一课记录不规范" in text


def test_cycle_pdf_lists_the_engines_candidates(three_years, tmp_path):
    text = pdf_text(services.render_cycle_pdf(three_years["period"]), tmp_path)
    assert "模范机关评选推荐名单" in text
    assert re.search(r"1\s+省甲厅\s+经济调节类\s+90\.00\s*$", text, re.MULTILINE)


def test_cycle_pdf_shows_a_vetoed_unit_as_excluded_with_the_reason(three_years, tmp_path):
    text = pdf_text(services.render_cycle_pdf(three_years["period"]), tmp_path)
    assert re.search(
        r"1\s+省乙局\s+一票否决\s+窗口服务类\s+100\.00\s+100\.00\s+100\.00\s+100\.00.*"
        r"存在一票否决事项",
        text,
    ), text


def test_satisfaction_report_reads_the_feedback_apps_figures(scored, tmp_path):
    from decimal import Decimal
    from unittest import mock

    selectors = pytest.importorskip("feedback.selectors")
    figure = selectors.SatisfactionFigure(
        key=scored["unit_b"].pk,
        sample=42,
        weight_total=Decimal("42"),
        satisfied_share=Decimal("90"),
        raw_score=Decimal("87.5"),
        score=Decimal("86.4"),
        prior=Decimal("80"),
        sufficient=True,
    )
    with mock.patch.object(
        builders, "satisfaction", return_value={scored["unit_b"].pk: figure}
    ) as source:
        text = pdf_text(services.render_satisfaction_pdf(scored["period"]), tmp_path)
    source.assert_called_once_with(scored["period"].opens_on, scored["period"].deadline)
    assert re.search(r"1\s+省乙局\s+窗口服务类\s+86\.4\s+42", text)
    assert re.search(r"2\s+省甲厅\s+经济调节类\s+—\s+0", text)


@pytest.mark.parametrize(
    "weight, name",
    [("0", "三年平均分"), ("0.5", "三年结果（含提升幅度）")],
)
def test_cycle_pdf_names_the_result_as_the_cycles_rule_computes_it(
    three_years, tmp_path, weight, name
):
    from decimal import Decimal

    cycle = three_years["cycle"]
    cycle.improvement_weight = Decimal(weight)
    cycle.save(update_fields=["improvement_weight"])
    evaluation = builders.build_cycle_evaluation(three_years["period"])
    assert evaluation.result_name == name
    assert f"{name}不低于" in evaluation.selection_rule
    text = re.sub(r"\s+", "", pdf_text(services.render_cycle_pdf(three_years["period"]), tmp_path))
    assert text.count(name) >= 3  # both table headers and the selection rule
    if weight != "0":
        assert "三年平均" not in text
