import io

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UnitCategoryFactory
from tests.helpers import confirm_password, xlsx_bytes
from units.models import Branch, CoordinationGroup, Unit
from units.resources import BranchResource

UNIT_HEADERS = ["标识", "单位名称", "简称", "分类", "协作组", "在编人数", "党务干部人数", "启用"]


def upload(client, kind, name, content):
    return client.post("/units/import/", {"kind": kind, "file": SimpleUploadedFile(name, content)})


@pytest.fixture
def staff(client, committee):
    UnitCategoryFactory(code="economic", name="经济调节类")
    CoordinationGroup.objects.create(name="第一协作组")
    client.force_login(committee)
    return confirm_password(client)


def unit_rows(count):
    return [
        [f"u{i}", f"省第{i}厅", f"第{i}厅", "经济调节类", "第一协作组", 200, 3, "是"]
        for i in range(1, count + 1)
    ]


def test_two_hundred_units_import(staff):
    response = upload(staff, "units", "units.xlsx", xlsx_bytes(UNIT_HEADERS, unit_rows(200)))
    assert response.status_code == 200
    assert Unit.objects.count() == 200
    assert "新增 200 行" in response.content.decode()


def test_file_with_two_bad_rows_imports_nothing_and_names_both(staff):
    rows = unit_rows(200)
    rows[49][3] = "不存在的分类"  # line 51 of the sheet (the header is line 1)
    rows[149][5] = "很多"  # line 151
    response = upload(staff, "units", "units.xlsx", xlsx_bytes(UNIT_HEADERS, rows))
    problems = response.context["outcome"].problems
    assert Unit.objects.count() == 0
    assert [p.line for p in problems] == [51, 151]
    assert "“分类”中的“不存在的分类”不存在" in problems[0].message
    assert "“在编人数”应为整数，实际为“很多”" in problems[1].message
    body = response.content.decode()
    assert "第 51 行" in body and "第 151 行" in body


def test_round_trip_changes_nothing(staff):
    upload(staff, "units", "units.xlsx", xlsx_bytes(UNIT_HEADERS, unit_rows(5)))
    exported = staff.get("/units/export/units.xlsx").content
    before = list(Unit.objects.order_by("slug").values())
    response = upload(staff, "units", "units.xlsx", exported)
    assert list(Unit.objects.order_by("slug").values()) == before
    assert "新增 0 行，更新 0 行，未变 5 行" in response.content.decode()


def test_csv_round_trip_of_branches_changes_nothing(staff, world):
    exported = staff.get("/units/export/branches.csv").content
    before = list(Branch.objects.order_by("pk").values())
    response = upload(staff, "branches", "branches.csv", exported)
    assert response.context["outcome"].ok
    assert list(Branch.objects.order_by("pk").values()) == before


def test_missing_column_is_refused_with_its_name(staff):
    response = upload(staff, "units", "u.xlsx", xlsx_bytes(UNIT_HEADERS[:-2], []))
    assert "缺少必需的列：党务干部人数、启用" in response.content.decode()


def test_corrupt_file_is_refused_with_a_message(staff):
    response = upload(staff, "units", "u.xlsx", b"PK\x03\x04 not really a workbook")
    assert "无法读取该文件" in response.content.decode()
    assert Unit.objects.count() == 0


def test_formula_cell_is_refused(staff):
    rows = unit_rows(2)
    rows[1][5] = "=1+1"
    response = upload(staff, "units", "u.xlsx", xlsx_bytes(UNIT_HEADERS, rows))
    assert "文件含有公式（F3）" in response.content.decode()
    assert Unit.objects.count() == 0


def test_formula_text_in_csv_is_refused_with_its_line(staff):
    content = ",".join(UNIT_HEADERS) + "\nu1,=HYPERLINK(1),x,经济调节类,,1,0,是\n"
    response = upload(staff, "units", "u.csv", content.encode())
    assert [p.line for p in response.context["outcome"].problems] == [2]
    assert Unit.objects.count() == 0


def test_too_many_rows_are_refused_before_importing(staff, settings):
    settings.IMPORT_MAX_ROWS = 10
    response = upload(staff, "units", "u.xlsx", xlsx_bytes(UNIT_HEADERS, unit_rows(11)))
    assert "文件的数据行超过单次导入上限 10 行" in response.content.decode()


def test_unknown_extension_is_refused(staff):
    response = upload(staff, "units", "units.exe", b"MZ")
    assert "只支持 .xlsx 或 .csv 文件" in response.content.decode()


@pytest.mark.parametrize("actor", ["leader", "unit_admin", "secretary"])
def test_only_committee_may_import_or_export(client, world, request, actor):
    client.force_login(request.getfixturevalue(actor))
    confirm_password(client)
    assert client.get("/units/import/").status_code == 403
    assert client.get("/units/export/units.xlsx").status_code == 403


def test_export_has_chinese_headers_and_numbers_as_numbers(staff, world):
    content = staff.get("/units/export/units.xlsx").content
    data = tablib.Dataset().load(io.BytesIO(content).read(), format="xlsx")
    assert data.headers == UNIT_HEADERS
    assert data.dict[0]["在编人数"] == 200


def test_branch_import_reads_the_named_units_in_one_query(world):
    rows = [
        [unit.slug, f"第{n}党支部", "", 10, "是"]
        for n in range(30)
        for unit in (world["unit_a"], world["unit_b"])
    ]
    dataset = tablib.Dataset(
        *rows, headers=["单位标识", "支部名称", "支部书记", "党员人数", "启用"]
    )
    with CaptureQueriesContext(connection) as queries:
        result = BranchResource().import_data(dataset, dry_run=True)
    assert not result.has_errors() and not result.has_validation_errors()
    unit_reads = [q for q in queries if q["sql"].startswith('SELECT "units_unit"')]
    assert len(unit_reads) == 1
