import pytest

from tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretary_logs_in_and_sees_only_own_branch(page, world, secretary):
    browser_login(page, "secretary")
    assert page.locator("h1").first.inner_text() == "本季度任务"
    page.click("nav >> text=组织")
    page.click("nav .dropdown-menu >> text=党支部")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert "甲厅第一党支部" in rows.first.inner_text()
    response = page.goto(f"{page.base_url}/branches/{world['b1'].pk}/")
    assert response.status == 404
