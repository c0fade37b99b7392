import datetime

import pytest
from django.core.cache import cache

from feedback.models import Level
from feedback.services.ratings import RatingInput, submit_public_rating
from feedback.workdays import seed_from_library


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    try:
        cache.clear()
    except Exception:  # noqa: BLE001 - a test may point the cache at a dead server
        pass


@pytest.fixture
def calendar(db):
    """The holiday table as the data migration seeds it (transactional tests flush it)."""
    seed_from_library()


@pytest.fixture
def rate(db, calendar):
    """Submit a rating through the public service: rate(unit, level, address=..., **fields)."""

    def _rate(unit, level=Level.SATISFIED, *, address="10.0.0.1", **fields):
        return submit_public_rating(RatingInput(unit=unit, level=level, **fields), address=address)

    return _rate


@pytest.fixture
def today():
    return datetime.date.today()
