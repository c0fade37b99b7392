"""Bad input is refused with a clear message and changes nothing (issue 10 §4).

Uploads (the item form, the drag-and-drop endpoint and the API): a forged type, an oversized
file, an empty file and a zip bomb inside an Office file are refused; a path in the name is
stripped. Spreadsheet imports (organisation, indicator system, third-party ratings): wrong
columns, wrong types, formulas, 100,000 rows and a corrupt file are refused whole, with the
rows named."""

import io
import zipfile
from xml.sax.saxutils import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from assessment.models import Evidence
from tests.assessment.quarter_world import *  # noqa: F403
from tests.assessment.quarter_world import DOCX_MAIN, EXE_BYTES, PDF_BYTES, item_url
from tests.helpers import confirm_password, xlsx_bytes

BIG_ROWS = 100_000


def zip_bomb_docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Override PartName="/word/document.xml" '
            f'ContentType="{DOCX_MAIN}"/></Types>',
        )
        archive.writestr("word/document.xml", b"\0" * (60 * 1024 * 1024))
    return buffer.getvalue()


BAD_UPLOADS = {
    "forged_type": ("工作总结.pdf", EXE_BYTES, "不是可接受的文件"),
    "html_as_pdf": ("会议.pdf", b"<html><script>alert(1)</script></html>", "不是可接受的文件"),
    "oversized": ("大文件.pdf", PDF_BYTES + b"0" * 4096, "超过了"),
    "empty": ("空白.pdf", b"", "空"),
    "zip_bomb": ("炸弹.docx", None, "压缩炸弹"),
}


def bad_file(case):
    name, content, _message = BAD_UPLOADS[case]
    if content is None:
        content = zip_bomb_docx()
    return SimpleUploadedFile(name, content)


@pytest.fixture
def small_limit(settings, request):
    if request.node.callspec.params.get("case") == "oversized":
        settings.EVIDENCE_MAX_BYTES = 2048


@pytest.mark.parametrize("case", BAD_UPLOADS)
def test_item_form_refuses_bad_uploads_next_to_the_field(
    client, world, secretary, period, items, small_limit, case
):
    client.force_login(secretary)
    response = client.post(
        item_url(period, world["a1"], items["with_file"]),
        {"narrative": "见附件", "version": "0", "files": [bad_file(case)]},
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get("files", []))
    assert BAD_UPLOADS[case][2] in errors
    assert Evidence.objects.count() == 0


@pytest.mark.parametrize("case", BAD_UPLOADS)
def test_drag_and_drop_upload_refuses_bad_files_with_the_reason(
    client, world, secretary, period, items, small_limit, case
):
    client.force_login(secretary)
    response = client.post(
        item_url(period, world["a1"], items["with_file"], "upload/"),
        {"version": "0", "files": [bad_file(case)]},
    )
    assert response.status_code in (200, 400)
    assert BAD_UPLOADS[case][2] in response.content.decode("unicode_escape", "replace") or (
        BAD_UPLOADS[case][2] in str(response.json())
    )
    assert Evidence.objects.count() == 0


@pytest.mark.parametrize("case", BAD_UPLOADS)
def test_api_upload_refuses_bad_files_with_the_reason(
    client, world, secretary, period, small_limit, case
):
    client.force_login(secretary)
    response = client.post(
        "/api/v1/evidence/",
        {"branch": world["a1"].pk, "period": period.pk, "file": bad_file(case)},
    )
    assert response.status_code == 400
    error = response.json()["error"]
    messages = " ".join(" ".join(v) for v in error["fields"].values()) + error["message"]
    assert messages.strip()
    if case != "empty":  # an empty file is refused by the field itself, in its own words
        assert BAD_UPLOADS[case][2] in messages
    assert Evidence.objects.count() == 0


def test_a_path_in_the_file_name_is_stripped(client, world, secretary, period, items):
    client.force_login(secretary)
    upload = SimpleUploadedFile("../../../etc/passwd.pdf", PDF_BYTES)
    response = client.post(
        item_url(period, world["a1"], items["with_file"]),
        {"narrative": "见附件", "version": "0", "files": [upload]},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == "passwd.pdf"
    assert ".." not in evidence.file.name and "etc" not in evidence.file.name
    assert evidence.file.name.startswith("evidence/")


# --- spreadsheet imports ------------------------------------------------------------------


UNIT_HEADERS = ["标识", "单位名称", "简称", "分类", "协作组", "在编人数", "党务干部人数", "启用"]


def _org(world, system):
    from units.models import Unit

    return {
        "url": "/units/import/",
        "data": {"kind": "units"},
        "headers": [
            "标识",
            "单位名称",
            "简称",
            "分类",
            "协作组",
            "在编人数",
            "党务干部人数",
            "启用",
        ],
        "good": ["new-unit", "省新厅", "新厅", "经济调节类", "", 100, 2, "是"],
        "bad_type": ["bad-unit", "省坏厅", "坏厅", "经济调节类", "", "很多", 2, "是"],
        "count": Unit.objects.count,
    }


def _indicators(world, system):
    from assessment.models import IndicatorSystem

    return {
        "url": f"/indicators/{system.pk}/import/",
        "data": {},
        "headers": ["编码", "上级编码", "名称", "类型", "满分", "权重（%）", "频次"],
        "good": ["D9", "", "组织夯实", "维度", 100, 100, "季度"],
        "bad_type": ["D8", "", "理论扎实", "维度", "满分很高", 100, "季度"],
        "count": IndicatorSystem.objects.count,
    }


def _ratings(world, system):
    from feedback.models import Rating

    return {
        "url": "/feedback/import/",
        "data": {"batch": "第三方调查"},
        "headers": ["单位标识", "评价等级", "评价主体", "评价日期", "意见建议"],
        "good": [world["unit_a"].slug, "满意", "群众", "2026-03-01", "好"],
        "bad_type": [world["unit_a"].slug, "满意", "群众", "三月一日", "好"],
        "count": Rating.objects.count,
    }


IMPORTS = {"organisation": _org, "indicator_system": _indicators, "ratings": _ratings}


@pytest.fixture
def importer(request, client, world, committee, system):
    spec = IMPORTS[request.param](world, system)
    client.force_login(committee)
    confirm_password(client)

    def post(name, content):
        response = client.post(
            spec["url"], {**spec["data"], "file": SimpleUploadedFile(name, content)}
        )
        assert response.status_code == 200
        return response.content.decode()

    spec["post"] = post
    spec["before"] = spec["count"]()
    return spec


def _cell(column, line, value):
    ref = f"{column}{line}"
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


@pytest.fixture(scope="session")
def big_workbooks():
    """100,000-row .xlsx files, one per import kind, built once: a one-row workbook from
    openpyxl whose sheet XML is replaced by 100,001 generated rows (seconds, not minutes)."""
    cache = {}

    def make(headers, row):
        key = tuple(headers)
        if key in cache:
            return cache[key]
        columns = [get_column_letter(i + 1) for i in range(len(headers))]
        template = io.BytesIO()
        book = Workbook()
        book.active.append(headers)
        book.save(template)
        lines = ["".join(_cell(c, 1, h) for c, h in zip(columns, headers, strict=True))]
        body = "".join(
            f'<row r="{n}">'
            + "".join(_cell(c, n, v) for c, v in zip(columns, row, strict=True))
            + "</row>"
            for n in range(2, BIG_ROWS + 2)
        )
        sheet = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="A1:{columns[-1]}{BIG_ROWS + 1}"/><sheetData>'
            f'<row r="1">{lines[0]}</row>{body}</sheetData></worksheet>'
        )
        out = io.BytesIO()
        with (
            zipfile.ZipFile(template) as src,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst,
        ):
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    data = sheet.encode()
                dst.writestr(item.filename, data)
        cache[key] = out.getvalue()
        return cache[key]

    return make


ALL = pytest.mark.parametrize("importer", list(IMPORTS), indirect=True)


@ALL
def test_import_with_wrong_columns_is_refused_naming_them(importer):
    html = importer["post"]("x.xlsx", xlsx_bytes(["甲", "乙"], [["1", "2"]]))
    assert "缺少必需的列" in html
    assert importer["count"]() == importer["before"]


@ALL
def test_import_with_a_wrong_type_is_refused_whole_naming_the_row(importer):
    rows = [importer["good"], importer["bad_type"]]
    html = importer["post"]("x.xlsx", xlsx_bytes(importer["headers"], rows))
    assert "第 3 行" in html
    assert importer["count"]() == importer["before"]


@ALL
def test_import_with_a_formula_is_refused_naming_the_cell(importer):
    row = ["=1+1" if i == 1 else v for i, v in enumerate(importer["good"])]
    html = importer["post"]("x.xlsx", xlsx_bytes(importer["headers"], [importer["good"], row]))
    assert "公式" in html and "B3" in html
    assert importer["count"]() == importer["before"]


@ALL
def test_a_csv_cell_written_as_a_formula_is_refused_naming_the_row(importer):
    lines = [",".join(importer["headers"]), ",".join(map(str, importer["good"]))]
    lines.append(",".join(["@SUM(A1)", *map(str, importer["good"][1:])]))
    html = importer["post"]("x.csv", "\n".join(lines).encode())
    assert "公式" in html and "第 3 行" in html
    assert importer["count"]() == importer["before"]


@ALL
def test_a_corrupt_file_is_refused_with_a_clear_message(importer):
    html = importer["post"]("x.xlsx", b"PK\x03\x04 this is not really a workbook" * 50)
    assert "无法读取该文件" in html
    assert importer["count"]() == importer["before"]


@ALL
def test_a_100000_row_file_is_refused_whole(importer, big_workbooks):
    content = big_workbooks(importer["headers"], importer["good"])
    html = importer["post"]("big.xlsx", content)
    assert "超过单次导入上限" in html
    assert importer["count"]() == importer["before"]


@ALL
def test_a_100000_row_csv_is_refused(importer):
    lines = [",".join(importer["headers"])] + [",".join(map(str, importer["good"]))] * BIG_ROWS
    html = importer["post"]("big.csv", "\n".join(lines).encode())
    assert "超过单次导入上限" in html
    assert importer["count"]() == importer["before"]
