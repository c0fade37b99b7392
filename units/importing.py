"""Spreadsheet import shared by every app: read a file, import all rows or none.

django-import-export does the row work; this module adds what staff need around it:
a clear Chinese message for a file it cannot read, every bad row named by its line in
the spreadsheet, and nothing written unless every row is good.
"""

import csv
import io
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

    @property
    def ok(self):
        return not self.problems


def read_dataset(uploaded_file, *, required_headers=()) -> tablib.Dataset:
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
    headers = [str(h if h is not None else "").strip() for h in rows[0]]
    missing = [h for h in required_headers if h not in headers]
    if missing:
        raise ImportFileError(_("缺少必需的列：%(cols)s。") % {"cols": "、".join(missing)})
    body = [_pad(row, len(headers)) for row in rows[1:]]
    return tablib.Dataset(*body, headers=headers)


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


def _csv_rows(raw: bytes) -> list[list]:
    """The header and the non-blank rows: blank lines do not count toward the limit."""
    rows = []
    for row in csv.reader(io.StringIO(decode_csv(raw))):
        if rows and _blank(row):
            continue
        rows.append(row)
        if len(rows) - 1 > settings.IMPORT_MAX_ROWS:
            raise _too_many_rows()
    return rows


def _xlsx_rows(raw: bytes) -> list[list]:
    """The first sheet's header and non-blank rows as values, refusing formulas.

    Rows that are only formatted (a sheet a library or an office suite wrote with thousands
    of styled empty rows) are skipped and do not count toward the limit. Values, not cells,
    are read (a third faster): a formula's value is its ``=…`` text in a workbook read
    without cached results."""
    book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    try:
        rows = []
        formulas = []
        for line, row in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            if rows and _blank(row):
                continue
            for column, value in enumerate(row, start=1):
                if isinstance(value, str) and value.startswith("="):
                    formulas.append(f"{get_column_letter(column)}{line}")
            rows.append(row)
            if len(rows) - 1 > settings.IMPORT_MAX_ROWS:
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
    values = ["" if v is None else restore(v) for v in row[:width]]
    return values + [""] * (width - len(values))


def formula_problems(dataset) -> list[RowProblem]:
    """CSV has no formulas, but a cell written as one would become one when exported."""
    problems = []
    for index, row in enumerate(dataset, start=2):
        for header, value in zip(dataset.headers, row, strict=False):
            if looks_like_formula(value):
                problems.append(
                    RowProblem(index, _("“%(col)s”含有公式，请改为数值或文字。") % {"col": header})
                )
    return problems


def import_all_or_nothing(resource, dataset, **kwargs) -> ImportOutcome:
    outcome = ImportOutcome(problems=formula_problems(dataset))
    if outcome.problems:
        return outcome
    with transaction.atomic():
        result = resource.import_data(
            dataset, dry_run=False, raise_errors=False, use_transactions=False, **kwargs
        )
        for error in result.base_errors:
            outcome.problems.append(RowProblem(1, str(error.error)))
        for number, errors in result.row_errors():
            for error in errors:
                outcome.problems.append(RowProblem(number + 1, _describe(error.error, resource)))
        for invalid in result.invalid_rows:
            outcome.problems.append(
                RowProblem(invalid.number + 1, _describe(invalid.error, resource))
            )
        if outcome.problems:
            transaction.set_rollback(True)
            outcome.problems.sort(key=lambda p: p.line)
            return outcome
    outcome.new = result.totals[RowResult.IMPORT_TYPE_NEW]
    outcome.updated = result.totals[RowResult.IMPORT_TYPE_UPDATE]
    outcome.unchanged = result.totals[RowResult.IMPORT_TYPE_SKIP]
    return outcome


def _describe(error, resource) -> str:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            parts = []
            for field_name, errors in error.message_dict.items():
                messages = "；".join(errors)
                if field_name == "__all__":
                    parts.append(messages)
                    continue
                column = getattr(resource.fields.get(field_name), "column_name", field_name)
                parts.append(f"{column}：{messages}")
            return "；".join(parts)
        return "；".join(error.messages)
    return str(error)
