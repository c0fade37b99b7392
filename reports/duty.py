"""述职评议 documents: one duty report as PDF (rendered on request: a two-to-three page
document takes well under a second with libharfbuzz-subset0) and the list of grades as .xlsx."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from .pdf import render_pdf
from .xlsx import _sheet


def duty_filename(report, ext: str) -> str:
    who = report.branch.name if report.branch else report.unit.short_name
    return f"{report.year}-述职报告-{who}.{ext}"


def render_duty_pdf(report) -> bytes:
    who = report.branch.name if report.branch else report.unit.name
    title = _("%(year)s年度抓党建工作述职报告") % {"year": report.year}
    return render_pdf(
        "reports/pdf/duty.html",
        {
            "title": title,
            "subject": f"{who} · {report.get_author_kind_display()}",
            "header_left": title,
            "header_right": who,
            "report": report,
            "figures": report.figures,
        },
    )


def render_duty_grades_xlsx(reports) -> bytes:
    book = Workbook()
    book.remove(book.active)
    headers = [
        _("年度"),
        _("单位"),
        _("党支部"),
        _("述职人"),
        _("状态"),
        _("评议等次"),
        _("评议意见"),
        _("评议时间"),
    ]
    rows = [
        [
            r.year,
            r.unit.name,
            r.branch.name if r.branch else "",
            str(r.get_author_kind_display()),
            str(r.get_status_display()),
            str(r.get_grade_display()) if r.grade else "",
            r.grade_comment if r.status == r.Status.GRADED else "",
            timezone.localtime(r.graded_at).strftime("%Y-%m-%d %H:%M") if r.graded_at else "",
        ]
        for r in reports
    ]
    _sheet(
        book,
        _("述职评议"),
        _("述职评议结果 · 导出于 %(t)s") % {"t": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
        headers,
        rows,
        widths=[8, 28, 28, 12, 10, 10, 40, 18],
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
