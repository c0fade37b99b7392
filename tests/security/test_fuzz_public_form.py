"""Fuzzing (issue 10 §4): hypothesis throws arbitrary input at the public rating form, the
public rating API and the submission API; none of it may cause a server error."""

import json

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.assessment.quarter_world import *  # noqa: F403

FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
LEVELS = ["very_satisfied", "satisfied", "basic", "dissatisfied", "very_dissatisfied"]
# Text a form can receive: any unicode (NUL and surrogates included), very long, numbers.
text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=400, max_size=3000),
    st.sampled_from(["", " ", "\x00", "13812345678", "=1+1", "<script>", "' OR 1=1 --", "%00"]),
    st.integers().map(str),
)
scalar = st.one_of(text, st.integers(), st.floats(allow_nan=True), st.booleans(), st.none())
json_value = st.recursive(
    scalar,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=10,
)


@pytest.fixture
def generous(settings):
    settings.FEEDBACK_RATE_LIMIT = 10**9


@FUZZ
@given(
    level=st.one_of(st.sampled_from(LEVELS), text),
    comment=text,
    name=text,
    phone=text,
    consent=st.sampled_from(["", "on", "off", "1", "真"]),
    website=st.one_of(st.just(""), text),
    extra=st.dictionaries(st.text(max_size=20), text, max_size=3),
)
def test_public_form_never_fails_with_a_server_error(
    unit_a, generous, level, comment, name, phone, consent, website, extra
):
    cache.clear()
    data = {
        **extra,
        "level": level,
        "comment": comment,
        "contact_name": name,
        "contact_phone": phone,
        "contact_consent": consent,
        "website": website,
    }
    response = Client().post(f"/rate/{unit_a.slug}/", data)
    assert response.status_code in (200, 302, 400, 429)


@FUZZ
@given(
    body=st.dictionaries(
        st.sampled_from(
            [
                "unit",
                "level",
                "comment",
                "dimensions",
                "contact_name",
                "contact_phone",
                "contact_consent",
                "website",
                "other",
            ]
        ),
        json_value,
        max_size=9,
    )
)
def test_public_rating_api_never_fails_with_a_server_error(unit_a, generous, body):
    cache.clear()
    response = Client().post(
        "/api/v1/public-ratings/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code in (201, 400, 429), response.content[:300]


@FUZZ
@given(raw=st.binary(max_size=300))
def test_public_rating_api_survives_malformed_bodies(unit_a, generous, raw):
    cache.clear()
    response = Client().post("/api/v1/public-ratings/", raw, content_type="application/json")
    assert response.status_code in (201, 400, 415, 429)


@FUZZ
@given(data=st.data())
def test_submission_api_never_fails_with_a_server_error(world, secretary, period, items, data):
    """Real ids (so that the draft is really saved) mixed with arbitrary values."""
    real = {
        "period": st.just(period.pk),
        "branch": st.sampled_from([world["a1"].pk, world["a2"].pk, world["b1"].pk]),
        "indicator": st.sampled_from([i.pk for i in items.values()]),
        "version": st.integers(min_value=-1, max_value=3),
        "value": st.one_of(st.decimals(allow_nan=True), text),
        "self_score": st.one_of(st.decimals(allow_nan=True, places=2), text),
        "narrative": text,
        "answer": text,
    }
    body = {}
    for key, strategy in real.items():
        choice = data.draw(st.sampled_from(["real", "junk", "absent"]), label=key)
        if choice == "real":
            value = data.draw(strategy, label=key)
            body[key] = str(value) if not isinstance(value, int | str) else value
        elif choice == "junk":
            body[key] = data.draw(json_value, label=key)
    client = Client()
    client.force_login(secretary)
    response = client.post(
        "/api/v1/submissions/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code < 500, (body, response.content[:300])
