"""A whole indicator system to .xlsx and back: exact round trip, all-or-nothing imports."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessment.models import IndicatorSystem
from assessment.resources import HEADERS
from assessment.services import indicators as svc
from assessment.services.indicator_io import export_system, import_system
from assessment.services.indicator_template import load_template
from assessment.services.plans import create_default_periods
from tests.factories import AnnualPlanFactory
from units.importing import ImportFileError

FIELDS = [
    "name",
    "description",
    "evidence_guide",
    "standard",
    "goal",
    "kind",
    "level",
    "max_score",
    "weight",
    "frequency",
    "requires_number",
    "number_label",
    "requires_text",
    "requires_attachment",
    "rule",
    "position",
    "focus",
    "retired_at",
    "retired_reason",
]


@pytest.fixture
def system(db, unit_a, unit_b, committee):
    plan = AnnualPlanFactory(year=2024)
    create_default_periods(plan)
    system = load_template(plan, by=committee)
    svc.retire_item(system.indicators.get(code="XN04"), reason="并入 XN02", by=committee)
    # Weights as written, not as the 对标年 preset leaned them, so the sums below are exact.
    system.indicators.filter(code="XN01").update(weight=60, max_score=9)
    system.indicators.filter(code__in=["XN02", "XN03"]).update(weight=20)
    return system


def snapshot(system):
    rows = {}
    for item in system.indicators.select_related("parent").prefetch_related("categories"):
        rows[item.code] = (
            tuple(getattr(item, f) for f in FIELDS),
            item.parent.code if item.parent else None,
            sorted(c.code for c in item.categories.all()),
        )
    return rows


def upload(data, name="indicators.xlsx"):
    return SimpleUploadedFile(name, data)


def edited(data, changes):
    """Change cells by (code, column header) in an exported workbook."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        code = row[0].value
        for (target, column), value in changes.items():
            if code == target:
                row[headers.index(column)].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_export_has_chinese_headers_and_one_row_per_item_parents_first(system):
    sheet = openpyxl.load_workbook(io.BytesIO(export_system(system))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert len(rows) - 1 == system.indicators.count()
    assert rows[1][:4] == ("XN", None, "信念坚实", "维度")
    assert rows[2][:4] == ("XN01", "XN", "“第一议题”制度落实", "定量")


def test_a_round_trip_is_exact(system, committee):
    outcome, new = import_system(system.plan, upload(export_system(system)), by=committee)
    assert outcome.ok
    assert new.version == 2
    assert snapshot(new) == snapshot(system)


def test_changed_weights_show_in_the_diff(system, committee):
    data = edited(export_system(system), {("XN01", "权重（%）"): 50, ("XN02", "权重（%）"): 30})
    outcome, new = import_system(system.plan, upload(data), by=committee)
    assert outcome.ok, outcome.problems
    diff = svc.diff_systems(system, new)
    assert [c.code for c in diff["reweighted"]] == ["XN01", "XN02"]
    assert [(c.points_before, c.points_after) for c in diff["reweighted"]] == [
        (Decimal("9.00"), Decimal("7.50")),
        (Decimal("3.00"), Decimal("4.50")),
    ]


def test_a_weight_sum_that_is_not_100_imports_nothing_and_names_the_row(system, committee):
    data = edited(export_system(system), {("XN01", "权重（%）"): 70})
    outcome, new = import_system(system.plan, upload(data), by=committee)
    assert new is None
    assert [(p.line, p.message) for p in outcome.problems] == [
        (2, "“XN 信念坚实”的下级指标权重合计为 110%，应为 100%（加分、扣分和一票否决项不计入）。")
    ]
    assert IndicatorSystem.objects.filter(plan=system.plan).count() == 1


def test_every_bad_row_is_named_and_nothing_is_imported(system, committee):
    data = edited(
        export_system(system),
        {
            ("XN02", "类型"): "随便",
            ("LL01", "满分"): "很多",
            ("ZZ01", "适用分类"): "不存在的分类",
            ("ZF01", "计分规则"): "{oops",
        },
    )
    before = IndicatorSystem.objects.count()
    outcome, new = import_system(system.plan, upload(data), by=committee)
    assert new is None
    lines = sorted({p.line for p in outcome.problems})
    assert lines == [4, 8, 13, 22]
    text = " ".join(p.message for p in outcome.problems)
    assert "“类型”应为以下之一" in text and "实际为“随便”" in text
    assert "“满分”应为数字，实际为“很多”" in text
    assert "“适用分类”中的“不存在的分类”不存在" in text
    assert "“计分规则”不是有效的 JSON" in text
    assert IndicatorSystem.objects.count() == before


def test_a_parent_after_its_child_is_explained(system, committee):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    blank = [""] * len(HEADERS)
    child = list(blank)
    child[:11] = [
        "A1",
        "A",
        "子",
        "评档（A/B/C/D）",
        "信念坚实",
        "讲政治",
        "党支部",
        10,
        100,
        "每季度",
        "",
    ]
    parent = list(blank)
    parent[:11] = ["A", "", "父", "维度", "信念坚实", "", "党支部", 100, 100, "每季度", ""]
    sheet.append(child)
    sheet.append(parent)
    out = io.BytesIO()
    book.save(out)
    outcome, new = import_system(system.plan, upload(out.getvalue()), by=committee)
    assert new is None
    assert (outcome.problems[0].line, outcome.problems[0].message) == (
        2,
        "上级编码：上级编码“A”不存在（上级须写在其下级之前的行中）。",
    )


def test_a_duplicate_code_in_the_file_is_named(system, committee):
    book = openpyxl.load_workbook(io.BytesIO(export_system(system)))
    sheet = book.active
    sheet.append([c.value for c in sheet[3]])
    out = io.BytesIO()
    book.save(out)
    outcome, new = import_system(system.plan, upload(out.getvalue()), by=committee)
    assert new is None
    last = sheet.max_row
    assert [(p.line, p.message) for p in outcome.problems] == [
        (last, "与第 3 行重复（XN01），同一条记录只能出现一次。")
    ]


def test_a_file_with_formulas_is_refused_as_a_whole(system, committee):
    data = edited(export_system(system), {("XN01", "权重（%）"): "=20+20"})
    with pytest.raises(ImportFileError, match="文件含有公式"):
        import_system(system.plan, upload(data), by=committee)


def test_a_file_missing_required_columns_is_refused(system, committee):
    book = openpyxl.Workbook()
    book.active.append(["编码", "名称"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ImportFileError, match="缺少必需的列"):
        import_system(system.plan, upload(out.getvalue()), by=committee)


def test_an_import_into_a_plan_without_systems_becomes_version_one(system, committee):
    other = AnnualPlanFactory(year=2025)
    create_default_periods(other)
    outcome, new = import_system(other, upload(export_system(system)), by=committee)
    assert (outcome.ok, new.version, new.plan) == (True, 1, other)


def test_the_diff_page_names_changed_fields_in_chinese(client, system, committee):
    data = edited(export_system(system), {("XN01", "名称"): "“第一议题”制度落实（修订）"})
    _outcome, new = import_system(system.plan, upload(data), by=committee)
    assert [c.fields for c in svc.diff_systems(system, new)["changed"]] == [("name",)]
    client.force_login(committee)
    body = client.get(f"/indicators/diff/?a={system.pk}&b={new.pk}").content.decode()
    assert "<td>名称</td>" in body
    assert "<td>name</td>" not in body
