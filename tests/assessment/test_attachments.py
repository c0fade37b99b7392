"""Evidence is served only through a view that checks scope, never from a media URL."""

import pytest

from tests.assessment.quarter_world import *  # noqa: F403
from tests.assessment.quarter_world import PDF_BYTES, store


@pytest.fixture
def evidence(world, secretary, period):
    return store(world["a1"], period, secretary)


def test_branch_secretary_downloads_with_original_name_and_nosniff(client, secretary, evidence):
    client.force_login(secretary)
    response = client.get(f"/evidence/{evidence.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E6%94%AF%E9%83%A8" in response["Content-Disposition"]


def test_pdf_preview_is_inline(client, secretary, evidence):
    client.force_login(secretary)
    response = client.get(f"/evidence/{evidence.pk}/?preview=1")
    assert response["Content-Disposition"].startswith("inline;")


def test_another_branch_secretary_gets_404_on_the_attachment(client, outsider, evidence):
    client.force_login(outsider)
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 404


def test_sibling_branch_secretary_gets_404_on_the_attachment(client, world, evidence):
    from tests.factories import user_with_role
    from units.models import Role

    sibling = user_with_role(Role.Kind.SECRETARY, branch=world["a2"], username="sibling")
    client.force_login(sibling)
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 404


@pytest.mark.parametrize("actor", ["unit_admin", "committee", "leader"])
def test_scope_covering_the_branch_may_download(client, request, evidence, actor):
    client.force_login(request.getfixturevalue(actor))
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 200


def test_anonymous_is_sent_to_login(client, evidence):
    response = client.get(f"/evidence/{evidence.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_no_public_media_url_serves_the_file(client, secretary, evidence):
    client.force_login(secretary)
    assert client.get(evidence.file.url).status_code == 404
    assert client.get(f"/media/{evidence.file.name}").status_code == 404
