"""Pure rules of reported and measured numbers (no ORM).

- allowed_range / number_problem: what a reported number may be, by the item's number kind;
- unusual: whether a value is far from the branch's own history or from its peers;
- period_dates: the date range a period's measured figures cover;
- window_problem: why a submission window cannot be a period's of a plan year;
- rate: a share in per cent, one decimal;
- turnaround_outcome: whether a lagging branch or unit left the lagging group (后进转化).

The three-year result is a scoring rule: assessment.scoring.rules.three_year_result.
"""

import datetime as dt
from decimal import Decimal
from statistics import median

from django.utils.translation import gettext as _

from units.numbers import TENTH, rounded

HUNDRED = Decimal("100")
# A value more than this many times above (or below) the median of the branch's history or
# of its peers is flagged for the reviewer; see unusual().
UNUSUAL_FACTOR = Decimal("2")

QUARTER_MONTHS = {"q1": (1, 3), "q2": (4, 6), "q3": (7, 9), "q4": (10, 12), "h1": (1, 6)}


def allowed_range(number_kind: str, number_max) -> tuple[Decimal | None, Decimal | None, bool]:
    """(minimum, maximum or None for no maximum, whole numbers only) of a number kind."""
    if number_kind == "percentage":
        return Decimal(0), HUNDRED, False
    if number_kind == "count":
        return Decimal(0), None if number_max is None else Decimal(number_max), True
    if number_kind == "amount":
        return Decimal(0), None if number_max is None else Decimal(number_max), False
    return None, None, False


def number_problem(value, *, label: str, number_kind: str, number_max=None) -> str:
    """The Chinese message refusing an impossible value, naming the field and the allowed
    range; "" when the value is allowed (or the item declares no kind)."""
    if value is None or not number_kind:
        return ""
    value = Decimal(value)
    low, high, whole = allowed_range(number_kind, number_max)
    if high is None:
        allowed = _("不小于 %(low)s 的整数") if whole else _("不小于 %(low)s 的数")
        allowed %= {"low": low}
    else:
        allowed = _("%(low)s 到 %(high)s 之间的整数") if whole else _("%(low)s 到 %(high)s 之间")
        allowed %= {"low": low, "high": _plain(high)}
    bad = value < low or (high is not None and value > high) or (whole and value % 1 != 0)
    if not bad:
        return ""
    return _("“%(label)s”填写了 %(value)s，应为 %(allowed)s。") % {
        "label": label,
        "value": _plain(value),
        "allowed": allowed,
    }


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def unusual(value, references) -> bool:
    """Whether value lies outside [median ÷ UNUSUAL_FACTOR, median × UNUSUAL_FACTOR] of the
    references (at least three of them); against a median of 0, anything above 1."""
    refs = [Decimal(r) for r in references if r is not None]
    if value is None or len(refs) < 3:
        return False
    centre = Decimal(median(refs))
    value = Decimal(value)
    if centre <= 0:
        return value > 1
    return value < centre / UNUSUAL_FACTOR or value > centre * UNUSUAL_FACTOR


def period_dates(year: int, kind: str) -> tuple[dt.date, dt.date]:
    """The calendar span a period's measured figures cover: its quarter, the first half or
    the whole year."""
    if kind not in QUARTER_MONTHS:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    first, last = QUARTER_MONTHS[kind]
    end = dt.date(year, 12, 31) if last == 12 else dt.date(year, last + 1, 1) - dt.timedelta(1)
    return dt.date(year, first, 1), end


def rate(part: int, whole: int, *, empty=HUNDRED) -> Decimal:
    """part ÷ whole in per cent to one decimal; `empty` when there is nothing to count."""
    if not whole:
        return empty
    return rounded(Decimal(part) * HUNDRED / whole, TENTH)


# 后进转化: a subject counts as converted when it left the lagging group within this many
# following quarters (002 §三(四) 推动后进转化).
TURNAROUND_WINDOW = 2
CONVERTED, STILL_LAGGING, PENDING = "converted", "lagging", "pending"


def turnaround_outcome(lagging: list, window: int = TURNAROUND_WINDOW) -> str:
    """The outcome of a follow-up from the subject's state in each following finished quarter,
    in order: True still lagging, False left the lagging group, None not scored there.

    Converted as soon as one of the first ``window`` quarters is False; still lagging once
    ``window`` quarters have passed without that; pending before."""
    seen = lagging[:window]
    if any(state is False for state in seen):
        return CONVERTED
    if len(seen) >= window:
        return STILL_LAGGING
    return PENDING


# 述职评议: the grade a 党组书记 (or branch secretary) receives, as a percentage the annual
# exam can read as a measured item (documented in docs/scoring.md).
DUTY_GRADE_PERCENT = {
    "excellent": Decimal("100"),  # 好
    "good": Decimal("85"),  # 较好
    "fair": Decimal("70"),  # 一般
    "poor": Decimal("50"),  # 差
}


def duty_grade_percent(grade: str) -> Decimal | None:
    """The percentage of a 述职 grade; None when not graded (then nothing is measured)."""
    return DUTY_GRADE_PERCENT.get(grade)


# Working days a unit has to rectify a problem, by severity: the graver, the sooner.
PROBLEM_WORKING_DAYS = {"general": 30, "serious": 20, "grave": 10}


def problem_working_days(severity: str) -> int:
    return PROBLEM_WORKING_DAYS.get(severity, PROBLEM_WORKING_DAYS["general"])


def window_problem(year: int, opens_on: dt.date, deadline: dt.date) -> str:
    """Why a submission window cannot be a period's of the plan for ``year`` ("" when it
    can): it opens within the year and closes by the end of the next year's first quarter
    (the annual exam spans the turn of the year; nothing waits longer)."""
    if deadline < opens_on:
        return _("截止日期不能早于开始报送日期。")
    if opens_on.year != year:
        return _("开始报送日期应在 %(year)d 年内。") % {"year": year}
    latest = dt.date(year + 1, 3, 31)
    if deadline > latest:
        return _("截止日期不能晚于 %(date)s（下一年第一季度末）。") % {"date": latest.isoformat()}
    return ""
