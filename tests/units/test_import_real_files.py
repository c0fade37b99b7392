"""Files as other office software and people save them: names typed with spaces, a row
twice, a title above the header, a hidden first sheet, semicolons, blank lines, and dates
written every way a spreadsheet writes them."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import UnitCategoryFactory
from tests.helpers import confirm_password
from tests.units.test_import_export import UNIT_HEADERS, unit_rows, upload
from units.importing import ImportFileError, read_dataset, spreadsheet_date
from units.models import Branch, CoordinationGroup, Unit

BRANCH_HEADERS = ["单位标识", "支部名称", "支部书记", "党员人数", "启用"]


def book_bytes(*sheets, hidden=()):
    """An .xlsx with the given sheets (lists of rows); the sheets at `hidden` hidden."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for index, rows in enumerate(sheets):
        sheet = book.create_sheet(f"表{index + 1}")
        for row in rows:
            sheet.append(row)
        if index in hidden:
            sheet.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def outcome_of(response):
    return response.context["outcome"]


@pytest.fixture
def staff(client, committee):
    UnitCategoryFactory(code="economic", name="经济调节类")
    CoordinationGroup.objects.create(name="第一协作组")
    client.force_login(committee)
    return confirm_password(client)


@pytest.fixture
def fgw(world):
    unit = world["unit_a"]
    Branch.objects.create(unit=unit, name="办公室党支部", secretary_name="王", member_count=10)
    return unit


def test_a_name_typed_with_spaces_is_the_same_name(staff, fgw):
    rows = [
        [fgw.slug, "办公室党支部 ", "王", 10, "是 "],  # the same branch, unchanged
        [fgw.slug, "\u3000新支部\u3000", " 李 ", "12", "否"],  # full-width spaces
    ]
    outcome = outcome_of(upload(staff, "branches", "b.xlsx", book_bytes([BRANCH_HEADERS, *rows])))

    assert (outcome.ok, outcome.new, outcome.unchanged) == (True, 1, 1)
    named = Branch.objects.filter(unit=fgw, name__in=["办公室党支部", "新支部"])
    assert sorted(named.values_list("name", "secretary_name")) == [
        ("办公室党支部", "王"),
        ("新支部", "李"),
    ]
    assert not Branch.objects.filter(name__contains=" ").exists()


def test_the_same_branch_twice_in_a_file_names_both_rows_and_imports_nothing(staff, fgw):
    rows = [
        [fgw.slug, "冲突支部", "甲", 5, "是"],
        [fgw.slug, "另一支部", "乙", 6, "是"],
        [fgw.slug, "冲突支部", "丙", 7, "否"],
    ]
    outcome = outcome_of(upload(staff, "branches", "b.xlsx", book_bytes([BRANCH_HEADERS, *rows])))

    assert [(p.line, p.message) for p in outcome.problems] == [
        (4, f"与第 2 行重复（{fgw.slug}、冲突支部），同一条记录只能出现一次。")
    ]
    assert not Branch.objects.filter(name__in=["冲突支部", "另一支部"]).exists()


def test_a_title_row_above_the_header_is_skipped_and_lines_are_the_files(staff):
    rows = [["2026年机关单位名册"], [], UNIT_HEADERS, *unit_rows(2), [], unit_rows(3)[2]]
    # u3 sits on line 7 of the file, after a blank line; make it bad to see its line.
    rows[-1] = ["u3", "省第3厅", "第3厅", "经济调节类", "第一协作组", "很多", 3, "是"]
    outcome = outcome_of(upload(staff, "units", "u.xlsx", book_bytes(rows)))

    assert [p.line for p in outcome.problems] == [7]
    rows[-1][5] = 100
    outcome = outcome_of(upload(staff, "units", "u.xlsx", book_bytes(rows)))
    assert (outcome.ok, outcome.new) == (True, 3)


def test_the_first_visible_sheet_is_read(staff):
    hidden = [["说明"], ["这张表是隐藏的"]]
    visible = [UNIT_HEADERS, *unit_rows(2)]
    outcome = outcome_of(upload(staff, "units", "u.xlsx", book_bytes(hidden, visible, hidden=[0])))

    assert (outcome.ok, outcome.new) == (True, 2)


def test_a_csv_with_semicolons_is_read(staff):
    lines = [";".join(UNIT_HEADERS)] + [";".join(map(str, row)) for row in unit_rows(2)]
    content = "\r\n".join(lines).encode("gb18030")
    outcome = outcome_of(upload(staff, "units", "u.csv", content))

    assert (outcome.ok, outcome.new) == (True, 2)
    assert Unit.objects.get(slug="u2").name == "省第2厅"


def test_missing_columns_say_what_the_first_row_holds(staff):
    content = book_bytes([["名单"], ["甲", "乙"]])
    response = upload(staff, "units", "u.xlsx", content)

    body = response.content.decode()
    assert "缺少必需的列：标识、单位名称" in body
    assert "第一行是：名单" in body
    assert Unit.objects.count() == 0


def test_django_messages_carry_the_value_and_widget_messages_are_not_doubled(staff):
    rows = unit_rows(2)
    rows[0][0] = "u 1"  # a slug may not hold a space
    rows[1][6] = "三"
    outcome = outcome_of(upload(staff, "units", "u.xlsx", book_bytes([UNIT_HEADERS, *rows])))

    first, second = outcome.problems
    assert first.line == 2 and first.message.startswith("标识：")
    assert "（实际为“u 1”）" in first.message
    assert second.message == "“党务干部人数”应为整数，实际为“三”。"


@pytest.mark.parametrize(
    "value",
    [
        dt.date(2026, 3, 1),
        dt.datetime(2026, 3, 1, 9, 30),
        46082,  # Excel's serial day number
        46082.0,
        "46082",
        "2026-03-01",
        "2026-3-1",
        "2026/3/1",
        "2026/03/01",
        "2026.3.1",
        "2026年3月1日",
        "２０２６年３月１日",  # full-width digits
        "20260301",
        "2026-03-01 00:00:00",
        " 2026/3/1 ",
    ],
)
def test_a_date_is_read_the_way_any_spreadsheet_writes_it(value):
    assert spreadsheet_date(value, "发现日期") == dt.date(2026, 3, 1)


@pytest.mark.parametrize("value", ["2026-02-30", "三月一日", "2026", 2026, 12, "1/3/2026"])
def test_what_is_not_a_date_is_named(value):
    with pytest.raises(ValueError) as refused:
        spreadsheet_date(value, "发现日期")

    assert str(refused.value) == (
        f"“发现日期”应为日期，如 2026-03-02、2026/3/2 或 2026年3月2日，实际为“{value}”。"
    )


def test_an_empty_date_cell_is_none():
    assert spreadsheet_date("", "发现日期") is None


def test_a_header_beyond_the_first_rows_is_not_searched_for():
    rows = [[f"说明 {n}"] for n in range(10)] + [UNIT_HEADERS]
    with pytest.raises(ImportFileError, match="在文件前 10 行中没有找到"):
        read_dataset(SimpleUploadedFile("u.xlsx", book_bytes(rows)), required_headers=["标识"])
