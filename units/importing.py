"""Spreadsheet import shared by every app: read a file, import all rows or none.

django-import-export does the row work; this module adds what staff need around it:
a clear Chinese message for a file it cannot read, every bad row named by its line in
the spreadsheet, and nothing written unless every row is good.
"""

import csv
import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field

import openpyxl
import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from import_export.results import RowResult
from openpyxl.utils import get_column_letter

from .export_safety import looks_like_formula, restore

FORMATS = {".xlsx": "xlsx", ".csv": "csv"}
MAX_IMPORT_BYTES = 10 * 1024 * 1024


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why, in Chinese."""


@dataclass
class RowProblem:
    line: int  # the line in the spreadsheet, counting the header as line 1
    message: str


@dataclass
class ImportOutcome:
    problems: list[RowProblem] = field(default_factory=list)
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    # The earlier import of the same content, when this one added nothing because of it.
    repeat_of: object = None
    # Follow-up cases opened for the bad ratings among the rows (the survey import).
    cases_opened: int = 0

    @property
    def ok(self):
        return not self.problems


HEADER_SEARCH_ROWS = 10  # a title, a date or a note may stand above the header


def read_dataset(uploaded_file, *, required_headers=()) -> tablib.Dataset:
    """The data rows under the header, as text and numbers with surrounding spaces removed.

    The header is the first of the first rows that holds every required column (a title row
    above it is skipped); an .xlsx is read from its first visible sheet. ``data_lines``
    gives each data row's line in the file, for messages."""
    name = (uploaded_file.name or "").lower()
    suffix = next((s for s in FORMATS if name.endswith(s)), None)
    if suffix is None:
        raise ImportFileError(_("只支持 .xlsx 或 .csv 文件。"))
    if uploaded_file.size == 0:
        raise ImportFileError(_("文件是空的。"))
    if uploaded_file.size > MAX_IMPORT_BYTES:
        raise ImportFileError(_("文件超过 10 MB，请拆分后再导入。"))
    raw = uploaded_file.read()
    try:
        rows = _csv_rows(raw) if suffix == ".csv" else _xlsx_rows(raw)
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(_("无法读取该文件，文件可能已损坏或格式不符。")) from exc
    if not rows:
        raise ImportFileError(_("文件是空的。"))
    at = _header_index(rows, required_headers)
    headers = [_cell_text(h) for h in rows[at][1]]
    body = rows[at + 1 :]
    if len(body) > settings.IMPORT_MAX_ROWS:
        raise _too_many_rows()
    dataset = tablib.Dataset(*[_pad(row, len(headers)) for _line, row in body], headers=headers)
    dataset.lines = [line for line, _row in body]
    return dataset


def data_lines(dataset) -> list[int]:
    """Each data row's line in the file (the header's line + 1 … for a dataset built
    elsewhere, the header counted as line 1)."""
    return getattr(dataset, "lines", None) or list(range(2, len(dataset) + 2))


def _cell_text(value) -> str:
    return str(value if value is not None else "").strip()


def _header_index(rows, required) -> int:
    """Which of the first rows is the header: the first holding every required column."""
    for index, (_line, row) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if all(h in {_cell_text(v) for v in row} for h in required):
            return index
    found = [_cell_text(v) for v in rows[0][1] if _cell_text(v)]
    missing = [h for h in required if h not in found]
    message = _("缺少必需的列：%(cols)s。") % {"cols": "、".join(missing)}
    message += " " + (
        _("在文件前 %(n)d 行中没有找到含有这些列名的表头行，第一行是：%(found)s。")
        % {"n": HEADER_SEARCH_ROWS, "found": "、".join(found[:12]) or _("（空）")}
    )
    message += " " + _("请使用导入模板的列名；.xlsx 文件读取第一个未隐藏的工作表。")
    raise ImportFileError(message)


def _blank(row) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def decode_csv(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 — what a Chinese spreadsheet program saves
    as "CSV" by default (a superset of GBK and GB2312)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _(
                "无法识别 CSV 文件的编码。请在 Excel 或 WPS 中打开后选择“另存为”，"
                "保存类型选“CSV UTF-8（逗号分隔）”，或直接保存为 .xlsx 后再导入。"
            )
        ) from exc


def _delimiter(text: str) -> str:
    """Comma, unless the first line has none but semicolons or tabs (a spreadsheet program
    set to a European locale saves "CSV" with semicolons)."""
    first = text.split("\n", 1)[0]
    if "," in first:
        return ","
    return max(";\t", key=first.count) if (";" in first or "\t" in first) else ","


def _csv_rows(raw: bytes) -> list[tuple[int, list]]:
    """(line, row) of the non-blank rows: blank lines do not count toward the limit."""
    text = decode_csv(raw)
    rows = []
    for line, row in enumerate(csv.reader(io.StringIO(text), delimiter=_delimiter(text)), 1):
        if _blank(row):
            continue
        rows.append((line, row))
        if len(rows) - 1 > settings.IMPORT_MAX_ROWS + HEADER_SEARCH_ROWS:
            raise _too_many_rows()
    return rows


def _first_visible_sheet(book):
    return next((s for s in book.worksheets if s.sheet_state == "visible"), book.worksheets[0])


def _xlsx_rows(raw: bytes) -> list[tuple[int, list]]:
    """(line, row) of the first visible sheet's non-blank rows as values, refusing formulas.

    Rows that are only formatted (a sheet a library or an office suite wrote with thousands
    of styled empty rows) are skipped and do not count toward the limit. Values, not cells,
    are read (a third faster): a formula's value is its ``=…`` text in a workbook read
    without cached results."""
    book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    try:
        rows = []
        formulas = []
        sheet = _first_visible_sheet(book)
        for line, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if _blank(row):
                continue
            for column, value in enumerate(row, start=1):
                if isinstance(value, str) and value.startswith("="):
                    formulas.append(f"{get_column_letter(column)}{line}")
            rows.append((line, row))
            if len(rows) - 1 > settings.IMPORT_MAX_ROWS + HEADER_SEARCH_ROWS:
                raise _too_many_rows()
        if formulas:
            raise ImportFileError(
                _("文件含有公式（%(cells)s），请将公式转换为数值后再导入。")
                % {"cells": "、".join(formulas[:10])}
            )
        return rows
    finally:
        book.close()


def _too_many_rows():
    return ImportFileError(
        _("文件的数据行超过单次导入上限 %(max)d 行，请拆分后再导入。")
        % {"max": settings.IMPORT_MAX_ROWS}
    )


def _pad(row, width):
    """Cells as the importers read them: empty for None, surrounding spaces (full-width ones
    too) removed — a name typed with a trailing space is the same name, as on the pages."""
    values = ["" if v is None else _trimmed(restore(v)) for v in row[:width]]
    return values + [""] * (width - len(values))


def _trimmed(value):
    return value.strip() if isinstance(value, str) else value


# Excel's serial day numbers of 2000-01-01 and 2100-12-31: a number in a date column outside
# them is not a date someone meant (a year typed alone, a count in the wrong column).
SERIAL_RANGE = (36526, 73415)
EXCEL_EPOCH = datetime.date(1899, 12, 30)
_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)


def spreadsheet_date(value, label: str) -> datetime.date | None:
    """A date cell as office software saves it: a date, a serial day number, or text such
    as 2026-03-02, 2026/3/2, 2026.3.2, 2026年3月2日 or 20260302 (full-width digits too,
    a time of day ignored). None for an empty cell; ValueError naming the column otherwise."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip()
    try:
        if re.fullmatch(r"\d{5}(\.0+)?", text) or isinstance(value, int | float):
            serial = float(text)
            if SERIAL_RANGE[0] <= serial <= SERIAL_RANGE[1] and serial == int(serial):
                return EXCEL_EPOCH + datetime.timedelta(days=int(serial))
        elif re.fullmatch(r"\d{8}", text):
            return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        elif match := _DATE_TEXT.match(text):
            return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        pass  # a day the calendar does not have (2026-02-30): the message below
    raise ValueError(
        _("“%(label)s”应为日期，如 2026-03-02、2026/3/2 或 2026年3月2日，实际为“%(value)s”。")
        % {"label": label, "value": value}
    )


def formula_problems(dataset) -> list[RowProblem]:
    """CSV has no formulas, but a cell written as one would become one when exported."""
    problems = []
    for index, row in zip(data_lines(dataset), dataset, strict=True):
        for header, value in zip(dataset.headers, row, strict=False):
            if looks_like_formula(value):
                problems.append(
                    RowProblem(index, _("“%(col)s”含有公式，请改为数值或文字。") % {"col": header})
                )
    return problems


def repeated_key_problems(resource, dataset) -> list[RowProblem]:
    """Two rows naming the same record (the resource's import keys): the second would
    silently overwrite the first, so both are named instead."""
    columns = [resource.fields[name].column_name for name in resource._meta.import_id_fields]
    if not columns or any(column not in dataset.headers for column in columns):
        return []
    first_line = {}
    problems = []
    keyed = zip(data_lines(dataset), zip(*(dataset[c] for c in columns), strict=True), strict=True)
    for line, key in keyed:
        key = tuple(str(part) for part in key)
        if not any(key):
            continue
        if key in first_line:
            problems.append(
                RowProblem(
                    line,
                    _("与第 %(line)d 行重复（%(key)s），同一条记录只能出现一次。")
                    % {"line": first_line[key], "key": "、".join(p for p in key if p)},
                )
            )
        else:
            first_line[key] = line
    return problems


def import_all_or_nothing(resource, dataset, **kwargs) -> ImportOutcome:
    outcome = ImportOutcome(
        problems=formula_problems(dataset) + repeated_key_problems(resource, dataset)
    )
    if outcome.problems:
        return outcome
    with transaction.atomic():
        result = resource.import_data(
            dataset, dry_run=False, raise_errors=False, use_transactions=False, **kwargs
        )
        for error in result.base_errors:
            outcome.problems.append(RowProblem(1, str(error.error)))
        lines = data_lines(dataset)
        for number, errors in result.row_errors():
            for error in errors:
                outcome.problems.append(
                    RowProblem(lines[number - 1], _describe(error.error, resource))
                )
        for invalid in result.invalid_rows:
            given = dict(zip(result.diff_headers, invalid.values, strict=False))
            outcome.problems.append(
                RowProblem(lines[invalid.number - 1], _describe(invalid.error, resource, given))
            )
        if outcome.problems:
            transaction.set_rollback(True)
            outcome.problems.sort(key=lambda p: p.line)
            return outcome
    outcome.new = result.totals[RowResult.IMPORT_TYPE_NEW]
    outcome.updated = result.totals[RowResult.IMPORT_TYPE_UPDATE]
    outcome.unchanged = result.totals[RowResult.IMPORT_TYPE_SKIP]
    return outcome


def _describe(error, resource, values=None) -> str:
    """A row's refusal in one line: each message under its column, with the value given
    where Django's own message does not say it."""
    values = values or {}
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            parts = []
            for field_name, errors in error.message_dict.items():
                messages = "；".join(errors)
                if field_name == "__all__":
                    parts.append(messages)
                    continue
                column = getattr(resource.fields.get(field_name), "column_name", field_name)
                if f"“{column}”" in messages:  # the widget's message names it already
                    parts.append(messages)
                    continue
                value = values.get(column)
                if value not in (None, "", "---") and f"“{value}”" not in messages:
                    messages += _("（实际为“%(value)s”）") % {"value": value}
                parts.append(f"{column}：{messages}")
            return "；".join(parts)
        return "；".join(error.messages)
    return str(error)
