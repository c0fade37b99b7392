"""Fixtures for the API tests: clients acting as a named actor (session) or through a token,
and the open quarter of tests/assessment/quarter_world.py (graded, quantitative, with_file)."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from assessment.services.rectification import issue
from tests.assessment.quarter_world import *  # noqa: F403
from units.tokens import create_token


@pytest.fixture(autouse=True)
def _clean_cache():
    """Throttle and rate-limit counters live in the cache: every test starts at zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def notice(world, committee, plan):
    """A rectification notice to 甲厅's first branch, due in 30 days."""
    return issue(
        by=committee,
        plan=plan,
        unit=world["unit_a"],
        branch=world["a1"],
        problem="支部组织生活会记录不完整。",
        deadline=timezone.localdate() + dt.timedelta(days=30),
    )


@pytest.fixture
def as_user():
    """as_user(user) -> a client logged in as that user (like a browser session)."""

    def _client(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return _client


@pytest.fixture
def with_token(committee):
    """with_token(user, read_only=False, unit=None) -> a client sending a Bearer token."""

    def _client(user, *, read_only=False, unit=None):
        _token, key = create_token(
            name="接口测试", user=user, created_by=committee, read_only=read_only, unit=unit
        )
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return client

    return _client


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def ids(response):
    return sorted(row["id"] for row in results(response))
