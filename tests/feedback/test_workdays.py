import datetime

import pytest

from feedback.models import CalendarDay, Level
from feedback.services.cases import open_case
from feedback.workdays import add_working_days, seed_from_library

pytestmark = pytest.mark.django_db


def test_reply_deadline_across_national_day_lands_after_the_holiday(calendar):
    # 30 Sep 2026 (Wed): 1–7 Oct is the National Day holiday, Sat 10 Oct a make-up workday.
    # Working days after it: 8, 9, 10 (make-up), 12, 13 October.
    assert add_working_days(datetime.date(2026, 9, 30), 5) == datetime.date(2026, 10, 13)


def test_rectify_deadline_counts_fifteen_working_days_across_the_holiday(calendar):
    assert add_working_days(datetime.date(2026, 9, 30), 15) == datetime.date(2026, 10, 27)


def test_plain_week_skips_the_weekend(calendar):
    # Mon 16 Nov 2026 + 5 working days = Mon 23 Nov.
    assert add_working_days(datetime.date(2026, 11, 16), 5) == datetime.date(2026, 11, 23)


def test_deadline_reads_the_table_so_staff_amendments_count(calendar):
    CalendarDay.objects.create(
        date=datetime.date(2026, 11, 18),
        kind=CalendarDay.Kind.HOLIDAY,
        name="临时",
        source="manual",
    )
    assert add_working_days(datetime.date(2026, 11, 16), 5) == datetime.date(2026, 11, 24)


def test_without_the_table_only_weekends_are_skipped(db):
    CalendarDay.objects.all().delete()
    assert add_working_days(datetime.date(2026, 9, 30), 5) == datetime.date(2026, 10, 7)


def test_seeding_is_idempotent_and_keeps_manual_rows(calendar):
    CalendarDay.objects.filter(date=datetime.date(2026, 10, 8)).delete()
    CalendarDay.objects.create(date=datetime.date(2026, 10, 8), kind="holiday", source="manual")
    before = CalendarDay.objects.count()
    assert seed_from_library() == 0
    assert CalendarDay.objects.count() == before
    assert CalendarDay.objects.get(date=datetime.date(2026, 10, 8)).source == "manual"


def test_seed_stores_national_day_and_make_up_workday(calendar):
    assert CalendarDay.objects.get(date=datetime.date(2026, 10, 1)).kind == "holiday"
    assert CalendarDay.objects.get(date=datetime.date(2026, 10, 1)).name == "国庆节"
    assert CalendarDay.objects.get(date=datetime.date(2026, 10, 10)).kind == "workday"


def test_bad_rating_on_30_september_gets_case_due_after_national_day(rate, unit_a):
    rating = rate(unit_a, Level.VERY_DISSATISFIED, received_on=datetime.date(2026, 9, 30))
    case = rating.case
    assert case.opened_on == datetime.date(2026, 9, 30)
    assert case.reply_due == datetime.date(2026, 10, 13)
    assert case.rectify_due == datetime.date(2026, 10, 27)


def test_open_case_uses_given_opening_date(rate, unit_a):
    rating = rate(unit_a, Level.SATISFIED)
    rating.level = Level.DISSATISFIED
    case = open_case(rating, opened_on=datetime.date(2026, 9, 30))
    assert case.reply_due == datetime.date(2026, 10, 13)
