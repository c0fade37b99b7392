"""The holiday calendar is never silently missing: a deadline counted into a year the table
does not know is provisional, staff are warned until the year is filled in, and a system
check warns from 1 November when next year is missing."""

import datetime

import pytest

from feedback import checks
from feedback.models import CalendarDay, FollowUpCase, Level
from feedback.services.cases import settle_provisional_deadlines
from feedback.workdays import next_year_missing

pytestmark = pytest.mark.django_db
NEW_YEARS_EVE = datetime.date(2026, 12, 31)


@pytest.fixture
def late_case(world, rate):
    """A bad rating on 2026-12-31: its deadlines fall in 2027, which the table lacks."""
    assert not CalendarDay.objects.filter(date__year=2027).exists()
    return rate(world["unit_a"], Level.DISSATISFIED, received_on=NEW_YEARS_EVE).case


def test_a_deadline_into_an_unknown_year_is_given_but_provisional(late_case):
    assert late_case.reply_due == datetime.date(2027, 1, 7)  # weekends only
    assert late_case.deadlines_provisional is True


def test_a_deadline_inside_known_years_is_not_provisional(world, rate):
    case = rate(world["unit_a"], Level.DISSATISFIED, received_on=datetime.date(2026, 9, 30)).case
    assert (case.reply_due, case.deadlines_provisional) == (datetime.date(2026, 10, 13), False)


def test_staff_are_warned_on_the_cases_page_and_the_dashboard(client, committee, late_case):
    client.force_login(committee)
    for url in ["/feedback/cases/", "/"]:
        body = client.get(url).content.decode()
        assert "节假日表还没有 2027 年的数据" in body, url
    assert "暂定" in client.get("/feedback/cases/").content.decode()


def test_filling_in_the_year_in_the_admin_settles_the_deadlines(admin_client, late_case):
    response = admin_client.post(
        "/admin/feedback/calendarday/add/",
        {"date": "2027-01-01", "kind": "holiday", "name": "元旦", "source": "manual"},
    )
    assert response.status_code == 302
    case = FollowUpCase.objects.get(pk=late_case.pk)
    assert (case.reply_due, case.deadlines_provisional) == (datetime.date(2027, 1, 8), False)


def test_the_warning_goes_once_the_year_is_known(client, committee, late_case):
    CalendarDay.objects.create(date=datetime.date(2027, 1, 1), kind="holiday", name="元旦")
    assert settle_provisional_deadlines() == 1
    client.force_login(committee)
    assert "节假日表还没有" not in client.get("/feedback/cases/").content.decode()


def test_next_year_is_missing_only_from_the_first_of_november():
    known = {2025, 2026}
    assert next_year_missing(datetime.date(2026, 10, 31), known) is None
    assert next_year_missing(datetime.date(2026, 11, 1), known) == 2027
    assert next_year_missing(datetime.date(2026, 11, 1), known | {2027}) is None


def test_the_system_check_warns_when_next_year_is_missing(calendar, monkeypatch):
    monkeypatch.setattr(checks.timezone, "localdate", lambda: datetime.date(2026, 11, 1))
    warnings = checks.next_year_in_calendar()
    assert [w.id for w in warnings] == ["feedback.W001"]
    assert "2027" in warnings[0].msg
    monkeypatch.setattr(checks.timezone, "localdate", lambda: datetime.date(2026, 10, 31))
    assert checks.next_year_in_calendar() == []
