"""为基层减负: the week-by-week calendar of overlapping windows, and trying a change."""

import datetime as dt

from assessment.burden import Window, build_calendar
from assessment.models import Period
from assessment.selectors import burden as selectors
from assessment.services.indicator_template import load_template
from assessment.services.plans import create_default_periods
from tests.factories import AnnualPlanFactory

from .plan_helpers import small_system

D = dt.date


def default_calendar(unit_a):
    plan = AnnualPlanFactory(year=2026)
    create_default_periods(plan)
    system = load_template(plan, by=None)  # set-up as the platform
    return plan, system, selectors.calendar(plan, system, unit_a.category)


def week_of(calendar, day):
    return next(w for w in calendar.weeks if w.start <= day <= w.end)


def test_the_default_system_asks_a_branch_for_60_items_a_year(db, unit_a):
    # 64 items a year, of which ZF02 and FW03 (quarterly) the platform measures itself.
    _plan, _system, cal = default_calendar(unit_a)
    assert cal.total == 60
    assert {w.kind: w.items for w in cal.windows} == {
        "q1": 11,
        "q2": 11,
        "h1": 6,
        "q3": 11,
        "q4": 11,
        "annual": 10,
    }


def test_the_default_system_peaks_in_early_july_and_early_december(db, unit_a):
    _plan, _system, cal = default_calendar(unit_a)
    july, december = week_of(cal, D(2026, 7, 6)), week_of(cal, D(2026, 12, 7))
    assert (july.items, [w.kind for w in july.windows]) == (17, ["q2", "h1"])
    assert (december.items, [w.kind for w in december.windows]) == (21, ["q4", "annual"])
    assert cal.peak.items == 21
    assert week_of(cal, D(2026, 7, 20)).items == 6  # Q2 is due: only the half-year test


def test_the_overlaps_are_flagged_above_the_cap(db, unit_a):
    _plan, _system, cal = default_calendar(unit_a)
    spans = [(first.start, last.end, top) for first, last, top in cal.overload_spans()]
    assert spans == [
        (D(2026, 6, 29), D(2026, 7, 12), 17),
        (D(2026, 11, 30), D(2026, 12, 13), 21),
    ]
    assert cal.over_windows == []  # no single window asks more than 15
    assert cal.flagged


def test_a_single_window_above_the_cap_is_flagged(db, unit_a):
    w = small_system()
    w["plan"].burden_cap = 2
    cal = selectors.calendar(w["plan"], w["system"], unit_a.category)
    assert [x.kind for x in cal.over_windows] == ["q1", "q2", "q3", "q4"]


def test_moving_a_window_removes_the_july_overlap_without_saving(db, unit_a):
    plan, system, _cal = default_calendar(unit_a)
    moved = selectors.calendar(
        plan, system, unit_a.category, moves={"h1": (D(2026, 7, 13), D(2026, 7, 31))}
    )
    assert week_of(moved, D(2026, 7, 6)).items == 11
    assert [first.start for first, _l, _t in moved.overload_spans()] == [D(2026, 11, 30)]
    assert Period.objects.get(plan=plan, kind="h1").opens_on == D(2026, 7, 1)


def test_dropping_items_from_a_period_lowers_its_weeks(db, unit_a):
    plan, system, _cal = default_calendar(unit_a)
    annual = selectors.items_by_kind(plan, system, unit_a.category)["annual"]
    dropped = {("annual", i.pk) for i in annual[:4]}
    cal = selectors.calendar(plan, system, unit_a.category, dropped=dropped)
    assert (cal.total, week_of(cal, D(2026, 12, 7)).items) == (56, 17)


def test_items_due_count_in_the_week_of_their_deadline():
    cal = build_calendar([Window("q1", "Q1", D(2025, 3, 15), D(2025, 4, 10), 5)], cap=15, year=2025)
    assert [(w.start, w.items, w.due) for w in cal.weeks if w.items] == [
        (D(2025, 3, 10), 5, 0),
        (D(2025, 3, 17), 5, 0),
        (D(2025, 3, 24), 5, 0),
        (D(2025, 3, 31), 5, 0),
        (D(2025, 4, 7), 5, 5),
    ]


def test_calendars_for_every_category_take_four_queries(
    db, unit_a, unit_b, django_assert_num_queries
):
    w = small_system()
    with django_assert_num_queries(4):
        rows = selectors.calendars(w["plan"], w["system"])
    assert [(c.name, cal.total) for c, cal in rows] == [("窗口服务类", 13), ("经济调节类", 13)]
