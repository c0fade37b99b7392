import pytest

from tests.helpers import confirm_password
from units.models import ApiToken


@pytest.fixture
def staff(client, committee):
    client.force_login(committee)
    return confirm_password(client)


def test_creating_a_token_shows_the_key_once(staff, committee, unit_a):
    response = staff.post(
        "/accounts/tokens/",
        {
            "name": "绩效办对接",
            "user": committee.pk,
            "unit": unit_a.pk,
            "read_only": "on",
            "days": 30,
        },
    )
    key = response.context["new_key"]
    token = ApiToken.objects.get()
    assert key.startswith(token.prefix)
    assert key in response.content.decode()
    assert key not in staff.get("/accounts/tokens/").content.decode()


def test_revoking_a_token(staff, committee):
    staff.post("/accounts/tokens/", {"name": "x", "user": committee.pk, "days": 30})
    token = ApiToken.objects.get()
    staff.post(f"/accounts/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.parametrize("actor", ["leader", "unit_admin", "secretary"])
def test_only_committee_manages_tokens(client, world, request, actor):
    client.force_login(request.getfixturevalue(actor))
    confirm_password(client)
    assert client.get("/accounts/tokens/").status_code == 403
