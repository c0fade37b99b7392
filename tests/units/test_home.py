import pytest


@pytest.mark.parametrize(
    ("actor", "template"),
    [
        ("committee", "home/committee.html"),
        ("leader", "home/committee.html"),
        ("unit_admin", "home/unit_admin.html"),
        ("secretary", "home/secretary.html"),
        ("nobody", "home/no_role.html"),
    ],
)
def test_each_role_lands_on_its_own_home(client, world, request, actor, template):
    client.force_login(request.getfixturevalue(actor))
    response = client.get("/")
    assert template in [t.name for t in response.templates]


def test_secretary_home_names_only_own_branch(client, world, secretary):
    client.force_login(secretary)
    body = client.get("/").content.decode()
    assert "甲厅第一党支部" in body
    assert "甲厅第二党支部" not in body
    assert "乙局" not in body


def test_import_link_is_shown_to_committee_only(client, world, committee, leader):
    client.force_login(committee)
    assert "/units/import/" in client.get("/").content.decode()
    client.force_login(leader)
    assert "/units/import/" not in client.get("/").content.decode()


def test_committee_home_query_count_does_not_grow_with_units(client, world, committee):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assessment.models import Period
    from tests.factories import BranchFactory, PeriodFactory, UnitFactory

    PeriodFactory(status=Period.Status.OPEN)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx.captured_queries)

    client.force_login(committee)
    client.get("/")  # warm (content types, session)
    small = count()
    for _n in range(12):  # one category: the expected-item count is one query per category
        BranchFactory(unit=UnitFactory(category=world["unit_a"].category))
    assert count() == small


def test_committee_home_mentions_follow_up_cases_awaiting_a_reply(client, world, committee):
    from feedback.models import FollowUpCase, Level
    from feedback.services.ratings import RatingInput, submit_public_rating
    from feedback.workdays import seed_from_library

    seed_from_library()
    for address in ("10.2.0.1", "10.2.0.2"):
        submit_public_rating(
            RatingInput(unit=world["unit_b"], level=Level.VERY_DISSATISFIED), address=address
        )
    FollowUpCase.objects.filter(pk=FollowUpCase.objects.first().pk).update(reply_due="2020-01-06")
    client.force_login(committee)
    html = client.get("/").content.decode()
    assert "差评回访待答复 2 件，已超期 1 件" in html
