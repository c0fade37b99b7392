"""The bulletin as an .xlsx workbook (openpyxl): numbers are written as numbers."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from units.export_safety import neutralise_row

from .contracts import Bulletin

HEADER_FILL = PatternFill("solid", fgColor="F3F4F6")
BOLD = Font(bold=True)
NUMBER = "0.00"
PERCENT = "0.0"


def _sheet(book, title, caption, headers, rows, number_formats=None, widths=None):
    """Row 1 names the period and whether the figures are published, so a copied or renamed
    file still says what it holds; row 2 is the header. ``caption`` may be a list of title
    rows, the first in bold: the header then follows the last of them."""
    captions = [caption] if isinstance(caption, str) else list(caption)
    sheet = book.create_sheet(title)
    for line in captions:
        sheet.append(neutralise_row([line]))
    sheet["A1"].font = Font(bold=True, size=13)
    header_row = len(captions) + 1
    sheet.append(headers)
    for cell in sheet[header_row]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for row in rows:
        sheet.append(neutralise_row(row))  # formula injection
    for column, fmt in (number_formats or {}).items():
        for (cell,) in sheet.iter_rows(
            min_row=header_row + 1, min_col=column, max_col=column
        ):
            cell.number_format = fmt
    for index, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{header_row + 1}"
    return sheet


def workbook_bytes(book, title) -> bytes:
    book.properties.title = title
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _num(value):
    """Decimal → float for the cell; None stays an empty cell."""
    return None if value is None else float(value)


def caption(b: Bulletin) -> str:
    # The bulletin is always computed from the live scores, never from a frozen publication.
    return (
        f"{_('考核结果通报')} · {b.period.label}（{b.period.status_label}） · "
        f"{_('实时计算 · 未发布')}"
    )


def bulletin_xlsx(b: Bulletin) -> bytes:
    title = caption(b)
    book = Workbook()
    book.remove(book.active)
    headers = [
        _("排名"),
        _("分类排名"),
        _("单位"),
        _("分类"),
        _("总分"),
        _("等次"),
        *b.standards,
        _("整改率（%）"),
    ]
    rows = [
        [
            r.rank,
            r.category_rank,
            r.unit.name,
            r.unit.category,
            _num(r.total),
            r.grade,
            *[_num(p.score) for p in r.by_standard],
            _num(r.rectification.rate),
        ]
        for r in b.rows
    ]
    n = len(b.standards)
    formats = {5: NUMBER, **{6 + i + 1: NUMBER for i in range(n)}, 7 + n: PERCENT}
    _sheet(
        book,
        _("综合排名"),
        title,
        headers,
        rows,
        formats,
        [8, 10, 28, 14, 10, 14, *[11] * n, 12],
    )
    # Finished periods only (assessment.selectors.scores.trend_periods), as on the web page.
    labels = b.trend_labels
    _sheet(
        book,
        _("得分率走势"),
        title,
        [_("单位"), *[_("%(period)s得分率（%%）") % {"period": label} for label in labels]],
        [[r.unit.name, *[_num(t.rate) for t in r.trend]] for r in b.rows],
        {2 + i: PERCENT for i in range(len(labels))},
        [28, *[16] * len(labels)],
    )
    _sheet(
        book,
        _("负面清单"),
        title,
        [_("单位"), _("处理"), _("扣分"), _("事由")],
        [[x.unit, x.effect, _num(x.points), x.reason] for x in b.negative_list],
        {3: NUMBER},
        [28, 12, 10, 60],
    )
    _sheet(
        book,
        _("整改情况"),
        title,
        [
            _("单位"),
            _("下发"),
            _("已反馈"),
            _("退回重改"),
            _("已销号"),
            _("逾期未销号"),
            _("整改率（%）"),
        ],
        [
            [
                r.unit.name,
                r.rectification.issued,
                r.rectification.answered,
                r.rectification.sent_back,
                r.rectification.verified,
                r.rectification.overdue,
                _num(r.rectification.rate),
            ]
            for r in b.rows
        ],
        {7: PERCENT},
        [28, 8, 8, 10, 8, 12, 12],
    )
    book.properties.title = _("考核结果通报") + " " + b.period.label
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
