"""The scorecard's trend compares periods by rate: a quarter's total is in points, the
half-year's and the year's on 0–100."""

from decimal import Decimal as D

import pytest

from assessment.scoring import engine
from reports import builders
from tests.assessment.test_scoring_periods import year  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def test_trend_gives_each_period_its_total_and_its_rate(year):  # noqa: F811
    engine.recompute_plan(year["plan"])
    card = builders.build_scorecard(year["h1"], year["unit"])
    assert [(t.total, t.rate) for t in card.trend] == [
        (D("40.00"), D("80.00")),
        (D("50.00"), D("100.00")),
        (D("76.67"), D("76.67")),
        (D("90.00"), D("90.00")),
    ]
