import os
import time

from units.decorators import SESSION_KEY


def confirm_password(client):
    """As if the logged-in user had just re-entered the password (recent_login_required)."""
    session = client.session
    session[SESSION_KEY] = time.time()
    session.save()
    return client


def browser_login(page, username, password="Test-pass-2026"):
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def xlsx_bytes(headers, rows):
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def production_environment(**overrides) -> dict:
    """This process's environment as a production process of the platform sees it (for
    tests that start one), without the test run's async switch."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="x" * 30 + "a-real-looking-secret-key-9f8e7d6c5b4a",
        ALLOWED_HOSTS="mofan.example.org",
    )
    env.update(overrides)
    return env
