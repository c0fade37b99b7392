"""Working days: Monday to Friday, except the statutory holidays and make-up workdays
kept in the CalendarDay table (seeded from the chinese_calendar library, amendable)."""

import datetime

from .models import CalendarDay


def exceptions_between(start: datetime.date, end: datetime.date) -> dict:
    return dict(
        CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind")
    )


def calendar_years() -> set[int]:
    """The years the holiday table knows (every year has holidays, so any row counts)."""
    return {day.year for day in CalendarDay.objects.dates("date", "year")}


# The State Council announces next year's holidays in autumn; from this day on a missing
# next year is worth a warning.
WARN_FROM = (11, 1)


def next_year_missing(today: datetime.date, known: set[int]) -> int | None:
    """Next year, when it is past 1 November and the calendar does not know it yet."""
    if (today.month, today.day) >= WARN_FROM and today.year + 1 not in known:
        return today.year + 1
    return None


def uncovered_years(start: datetime.date, end: datetime.date, known: set[int]) -> list[int]:
    """The years from start to end the calendar does not know: a deadline counted across
    them counts their holidays as working days, so it is only provisional."""
    return [year for year in range(start.year, end.year + 1) if year not in known]


def is_working_day(day: datetime.date, exceptions: dict) -> bool:
    kind = exceptions.get(day)
    if kind == CalendarDay.Kind.HOLIDAY:
        return False
    if kind == CalendarDay.Kind.WORKDAY:
        return True
    return day.weekday() < 5


def horizon(start: datetime.date, days: int) -> datetime.date:
    """A day surely past `days` working days after `start`: even the longest Chinese holiday
    run is well inside three calendar days per working day plus a margin."""
    return start + datetime.timedelta(days=days * 3 + 30)


def add_working_days(start: datetime.date, days: int, exceptions=None) -> datetime.date:
    """The date `days` working days after `start` (the day of receipt does not count).
    One query for the calendar, unless `exceptions` (exceptions_between up to at least
    horizon(start, days)) were read already."""
    if exceptions is None:
        exceptions = exceptions_between(start, horizon(start, days))
    day, counted = start, 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_working_day(day, exceptions):
            counted += 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    exceptions = exceptions_between(start, end)
    day, counted = start, 0
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day, exceptions):
            counted += 1
    return counted


def seed_from_library(model=CalendarDay, years=None) -> int:
    """Copy the library's holidays and make-up workdays into the table.

    Rows staff have amended (source other than the library) are left alone; running it
    again adds nothing new. Returns the number of rows added.
    """
    import chinese_calendar

    existing = set(model.objects.values_list("date", flat=True))
    rows = []
    for day, holiday in chinese_calendar.holidays.items():
        if years and day.year not in years:
            continue
        if day.weekday() >= 5 or day in existing:
            continue  # weekends are non-working anyway
        rows.append(model(date=day, kind="holiday", name=_holiday_name(holiday)))
    for day, holiday in chinese_calendar.workdays.items():
        if years and day.year not in years:
            continue
        if day.weekday() < 5 or day in existing:
            continue  # weekdays are working anyway
        rows.append(model(date=day, kind="workday", name=_holiday_name(holiday)))
    model.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def _holiday_name(holiday) -> str:
    if holiday is None:
        return ""
    value = getattr(holiday, "value", str(holiday))
    return HOLIDAY_NAMES.get(value, value)[:30]
