import io

import pytest
from openpyxl import load_workbook

from feedback.models import ContactViewLog, Level, Rating
from feedback.privacy import decrypt, mask_phone

pytestmark = pytest.mark.django_db


@pytest.fixture
def bad_rating(rate, unit_a):
    return rate(
        unit_a,
        Level.VERY_DISSATISFIED,
        contact_name="张三",
        contact_phone="13812345678",
        contact_consent=True,
    )


def test_mask_phone_keeps_first_three_and_last_four():
    assert mask_phone("13812345678") == "138****5678"


def test_contact_is_encrypted_at_rest(bad_rating):
    row = Rating.objects.values().get(pk=bad_rating.pk)
    assert "13812345678" not in str(row) and "张三" not in str(row)
    assert decrypt(row["contact_phone_encrypted"]) == "13812345678"
    assert row["contact_phone_masked"] == "138****5678"
    assert row["contact_name_masked"] == "张*"


def test_phone_is_masked_in_the_rating_list(client, bad_rating, committee):
    client.force_login(committee)
    html = client.get("/feedback/").content.decode()
    assert "138****5678" in html
    assert "13812345678" not in html


def test_phone_is_masked_in_the_export(client, bad_rating, committee):
    client.force_login(committee)
    response = client.get("/feedback/?export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert "138****5678" in values
    assert not any("13812345678" in v for v in values)


def test_case_page_shows_masked_contact_until_asked(client, bad_rating, unit_admin):
    client.force_login(unit_admin)
    html = client.get(f"/feedback/cases/{bad_rating.case.pk}/").content.decode()
    assert "138****5678" in html and "13812345678" not in html
    assert ContactViewLog.objects.count() == 0


def test_full_contact_view_by_unit_admin_is_logged(client, bad_rating, unit_admin):
    client.force_login(unit_admin)
    response = client.post(f"/feedback/cases/{bad_rating.case.pk}/", {"action": "contact"})
    html = response.content.decode()
    assert "张三 13812345678" in html
    log = ContactViewLog.objects.get()
    assert (log.rating, log.viewer) == (bad_rating, unit_admin)
    assert log.viewed_at is not None


def test_committee_full_view_is_logged_too(client, bad_rating, committee):
    client.force_login(committee)
    client.post(f"/feedback/cases/{bad_rating.case.pk}/", {"action": "contact"})
    assert ContactViewLog.objects.get().viewer == committee


def test_leader_cannot_see_full_contact(client, bad_rating, leader):
    client.force_login(leader)
    response = client.post(f"/feedback/cases/{bad_rating.case.pk}/", {"action": "contact"})
    assert response.status_code == 403
    assert ContactViewLog.objects.count() == 0


def test_other_units_admin_gets_404_on_the_case(client, rate, unit_b, unit_admin):
    rating = rate(unit_b, Level.DISSATISFIED, contact_phone="13900001111", contact_consent=True)
    client.force_login(unit_admin)
    assert client.get(f"/feedback/cases/{rating.case.pk}/").status_code == 404
    assert (
        client.post(f"/feedback/cases/{rating.case.pk}/", {"action": "contact"}).status_code == 404
    )


def test_admin_changelist_shows_masked_phone_only(client, bad_rating, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "r@example.org", "Test-pass-2026")
    client.force_login(admin)
    html = client.get("/admin/feedback/rating/").content.decode()
    assert "138****5678" in html and "13812345678" not in html
    change = client.get(f"/admin/feedback/rating/{bad_rating.pk}/change/").content.decode()
    assert "13812345678" not in change and "gAAAA" not in change
