import pytest

from feedback.models import Level

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    "/feedback/",
    "/feedback/cases/",
    "/feedback/appeals/",
    "/feedback/moderation/",
    "/feedback/satisfaction/",
    "/feedback/publications/",
    "/feedback/posters/",
]


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_committee_and_leader_open_every_staff_page(client, world, committee, leader, url):
    for user in (committee, leader):
        client.force_login(user)
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_secretary_sees_nothing_here(client, secretary, url):
    client.force_login(secretary)
    assert client.get(url).status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    assert client.get("/feedback/").status_code == 302


def test_unit_admin_sees_only_own_units_ratings_and_cases(client, rate, world, unit_admin):
    rate(world["unit_a"], Level.DISSATISFIED, address="1.0.0.1", comment="甲厅意见")
    rate(world["unit_b"], Level.DISSATISFIED, address="1.0.0.2", comment="乙局意见")
    client.force_login(unit_admin)
    ratings = client.get("/feedback/").content.decode()
    assert "甲厅意见" in ratings and "乙局意见" not in ratings
    case_page = client.get("/feedback/cases/").content.decode()
    assert "甲厅" in case_page and "乙局" not in case_page


def test_nav_shows_feedback_entry_by_role(client, world, committee, unit_admin, secretary):
    client.force_login(committee)
    assert "群众评议" in client.get("/").content.decode()
    client.force_login(unit_admin)
    assert 'href="/feedback/cases/">群众评议' in client.get("/").content.decode()
    client.force_login(secretary)
    assert 'href="/feedback/cases/">群众评议' not in client.get("/").content.decode()


def test_rating_list_query_count_does_not_grow(
    client, rate, world, committee, django_assert_max_num_queries
):
    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/feedback/").status_code == 200
        return len(ctx.captured_queries)

    client.force_login(committee)
    rate(world["unit_a"], Level.DISSATISFIED, address="2.0.0.1")
    few = count_queries()
    for index in range(15):
        rate(world["unit_b"], Level.BASIC, address=f"2.0.1.{index}")
    assert count_queries() == few


def test_case_list_query_count_does_not_grow(client, rate, world, committee):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(committee)
    rate(world["unit_a"], Level.DISSATISFIED, address="3.0.0.1")
    with CaptureQueriesContext(connection) as first:
        client.get("/feedback/cases/")
    for index in range(10):
        rate(world["unit_b"], Level.DISSATISFIED, address=f"3.0.1.{index}")
    with CaptureQueriesContext(connection) as second:
        client.get("/feedback/cases/")
    assert len(second.captured_queries) == len(first.captured_queries)


def test_satisfaction_page_query_count_does_not_grow(client, rate, world, committee):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UnitFactory

    client.force_login(committee)
    with CaptureQueriesContext(connection) as first:
        client.get("/feedback/satisfaction/")
    for index in range(5):
        rate(UnitFactory(), Level.SATISFIED, address=f"4.0.0.{index}")
    with CaptureQueriesContext(connection) as second:
        client.get("/feedback/satisfaction/")
    assert len(second.captured_queries) == len(first.captured_queries)
