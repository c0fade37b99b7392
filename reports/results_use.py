"""结果运用 exports: the three uses of a published annual result as .xlsx workbooks.

Each sheet starts with three title rows — what it is and the year; the period and the
publication revision it was read from; when it was produced — then the header row. The
columns of the 绩效奖励 sheet are documented in README.md (结果运用).
"""

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from assessment.selectors import results_use as selectors

from .xlsx import NUMBER, _num, _sheet, workbook_bytes

DASH = "—"


def _when(value) -> str:
    return formats.date_format(timezone.localtime(value), "Y-m-d H:i") if value else DASH


def title_rows(title: str, result: selectors.Published) -> list[str]:
    return [
        _("%(title)s · %(year)d 年度") % {"title": title, "year": result.plan.year},
        _("考核节点：%(period)s · 发布版次：第 %(rev)d 版（%(at)s 发布）")
        % {"period": result.period, "rev": result.revision, "at": _when(result.published_at)},
        _("导出时间：%(at)s") % {"at": _when(result.produced_at)},
    ]


def _yes(flag) -> str:
    return _("是") if flag else _("否")


def awards_xlsx(data: selectors.Awards) -> bytes:
    title = _("评先评优候选名单")
    book = Workbook()
    book.remove(book.active)
    result = data.result
    _sheet(
        book,
        _("评先评优"),
        title_rows(title, result),
        [
            _("序号"),
            _("单位"),
            _("分类"),
            _("综合得分"),
            _("排名"),
            _("等次"),
            _("一票否决"),
            _("结论"),
            _("不列入原因"),
        ],
        [
            [
                n,
                a.row.unit_name,
                a.row.category_name,
                _num(a.row.total),
                a.row.rank,
                a.row.grade_label,
                _yes(a.row.vetoed),
                _("候选") if a.candidate else _("不列入"),
                "；".join(str(r) for r in a.reasons),
            ]
            for n, a in enumerate(data.rows, start=1)
        ],
        {4: NUMBER},
        [6, 28, 14, 10, 8, 8, 10, 10, 60],
    )
    _sheet(
        book,
        _("红旗党支部候选"),
        title_rows(_("红旗党支部候选"), result),
        [_("序号"), _("党支部"), _("单位"), _("先进季度数"), _("最近季度总分")],
        [
            [n, f.row.branch_name, f.row.unit_name, f.quarters, _num(f.row.total)]
            for n, f in enumerate(data.red_flags, start=1)
        ],
        {5: NUMBER},
        [6, 30, 28, 12, 14],
    )
    return workbook_bytes(book, f"{title} {result.plan.year}")


# The performance office's layout (README.md, 结果运用 · 绩效奖励).
REWARD_HEADERS = (
    gettext_lazy("序号"),
    gettext_lazy("单位名称"),
    gettext_lazy("单位分类"),
    gettext_lazy("协作组"),
    gettext_lazy("考核年度"),
    gettext_lazy("考核等次"),
    gettext_lazy("综合得分"),
    gettext_lazy("全省排名"),
    gettext_lazy("分类内排名"),
    gettext_lazy("一票否决"),
    gettext_lazy("备注"),
)


def rewards_xlsx(result: selectors.Published, groups) -> bytes:
    title = _("绩效奖励等次名单")
    book = Workbook()
    book.remove(book.active)
    rows, n = [], 0
    for group in groups:
        for row in group.rows:
            n += 1
            rows.append(
                [
                    n,
                    row.unit_name,
                    row.category_name,
                    row.group_name or DASH,
                    result.plan.year,
                    group.label or _("未评定"),
                    _num(row.total),
                    row.rank,
                    row.category_rank,
                    _yes(row.vetoed),
                    _("一票否决，等次不高于一般") if row.vetoed else "",
                ]
            )
    _sheet(
        book,
        _("绩效奖励"),
        title_rows(title, result),
        [str(h) for h in REWARD_HEADERS],
        rows,
        {7: NUMBER},
        [6, 28, 14, 16, 10, 10, 10, 10, 10, 10, 28],
    )
    return workbook_bytes(book, f"{title} {result.plan.year}")


def cadres_xlsx(result: selectors.Published, rows) -> bytes:
    title = _("干部考核参考")
    book = Workbook()
    book.remove(book.active)
    _sheet(
        book,
        _("干部考核参考"),
        title_rows(title, result),
        [
            _("序号"),
            _("单位"),
            _("分类"),
            _("综合得分"),
            _("等次"),
            _("排名"),
            _("分类内排名"),
            _("一票否决"),
            _("述职评议等次"),
            _("未销号整改问题"),
            _("其中逾期"),
        ],
        [
            [
                n,
                c.row.unit_name,
                c.row.category_name,
                _num(c.row.total),
                c.row.grade_label,
                c.row.rank,
                c.row.category_rank,
                _yes(c.row.vetoed),
                c.duty_grade or DASH,
                c.problems.open,
                c.problems.overdue,
            ]
            for n, c in enumerate(rows, start=1)
        ],
        {4: NUMBER},
        [6, 28, 14, 10, 8, 8, 10, 10, 12, 14, 10],
    )
    return workbook_bytes(book, f"{title} {result.plan.year}")
