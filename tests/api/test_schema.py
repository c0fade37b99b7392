"""The OpenAPI contract: the checked-in docs/openapi.yaml is what the code generates, and the
documentation page renders from vendored assets under the Content-Security-Policy."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

SCHEMA_FILE = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"


def test_checked_in_schema_matches_the_code(db):
    generated = io.StringIO()
    call_command("spectacular", "--validate", stdout=generated)
    assert generated.getvalue() == SCHEMA_FILE.read_text(encoding="utf-8"), (
        "The API changed but docs/openapi.yaml did not: run `make schema`, review the diff "
        "and commit it with the change."
    )


def test_schema_is_served_as_openapi_3(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    body = response.json()
    assert body["openapi"].startswith("3.")
    assert "/api/v1/submissions/submit/" in body["paths"]


def test_docs_page_loads_its_assets_from_this_server(client, db):
    response = client.get("/api/docs/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # the split view serves its initialiser as a file


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_swagger_ui_renders_without_a_csp_violation(page):
    page.add_init_script(
        "window.__csp = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    messages = []
    page.on("console", lambda m: messages.append(m.text) if m.type == "error" else None)
    page.goto(page.base_url + "/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-tag")
    assert "模范机关创建管理平台 API" in page.inner_text(".swagger-ui .info .title")
    assert page.evaluate("window.__csp") == []
    assert messages == []
