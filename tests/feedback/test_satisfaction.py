import datetime
from decimal import Decimal

import pytest

from feedback import selectors
from feedback.models import Channel, EvaluatorKind, EvaluatorWeight, Level
from feedback.selectors import satisfaction, satisfaction_by
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db
ALL = (datetime.date(2000, 1, 1), datetime.date(2100, 1, 1))


def many(rate, unit, levels, prefix="10.1"):
    for index, level in enumerate(levels):
        rate(unit, level, address=f"{prefix}.{index // 200}.{index % 200}")


def test_share_and_score_of_one_unit(rate, unit_a, settings):
    settings.FEEDBACK_SHRINKAGE_PRIOR = 0
    many(rate, unit_a, [Level.VERY_SATISFIED, Level.SATISFIED, Level.BASIC, Level.DISSATISFIED])
    figure = satisfaction(*ALL)[unit_a.pk]
    assert figure.sample == 4
    assert figure.satisfied_share == Decimal("75.0")  # 3 of 4 satisfied
    assert figure.raw_score == Decimal("70.0")  # (100+80+60+40)/4


def test_below_minimum_sample_is_insufficient(rate, unit_a, settings):
    settings.FEEDBACK_MIN_SAMPLE = 3
    many(rate, unit_a, [Level.SATISFIED] * 2)
    assert satisfaction(*ALL)[unit_a.pk].sufficient is False
    many(rate, unit_a, [Level.SATISFIED], prefix="10.2")
    assert satisfaction(*ALL)[unit_a.pk].sufficient is True


def test_small_sample_shrinks_toward_category_mean(rate, unit_a, settings):
    settings.FEEDBACK_SHRINKAGE_PRIOR = 10
    peer = UnitFactory(category=unit_a.category)
    many(rate, unit_a, [Level.VERY_DISSATISFIED] * 2)  # raw 20
    many(rate, peer, [Level.VERY_SATISFIED] * 38, prefix="10.3")  # raw 100
    figures = satisfaction(*ALL)
    # Category mean (2×20 + 38×100)/40 = 96; shrunk (2×20 + 10×96)/12 = 83.3
    assert figures[unit_a.pk].prior == Decimal("96.0")
    assert figures[unit_a.pk].score == Decimal("83.3")
    assert figures[unit_a.pk].raw_score == Decimal("20.0")


def test_evaluator_weights_apply(rate, unit_a, settings):
    from feedback.services.ratings import RatingInput, _store

    settings.FEEDBACK_SHRINKAGE_PRIOR = 0
    EvaluatorWeight.objects.update_or_create(kind="superior", defaults={"weight": Decimal("3")})
    rate(unit_a, Level.VERY_SATISFIED)  # citizen, weight 1, score 100
    _store(
        RatingInput(
            unit=unit_a,
            level=Level.BASIC,
            channel=Channel.LETTER,
            evaluator_kind=EvaluatorKind.SUPERIOR,
        ),
        source="",
        entered_by=None,
    )  # weight 3, score 60
    figure = satisfaction(*ALL)[unit_a.pk]
    assert figure.raw_score == Decimal("70.0")  # (100 + 3×60) / 4


def test_date_range_filters_on_received_date(rate, unit_a):
    rate(unit_a, Level.SATISFIED, received_on=datetime.date(2026, 3, 1))
    rate(unit_a, Level.SATISFIED, received_on=datetime.date(2026, 5, 1), address="10.5.5.5")
    q1 = satisfaction(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert q1[unit_a.pk].sample == 1


def test_by_channel_and_category(rate, unit_a, unit_b):
    rate(unit_a, Level.SATISFIED)
    rate(unit_b, Level.DISSATISFIED, address="10.7.7.7")
    channels = {f.key: f.sample for f in satisfaction_by("channel", *ALL)}
    assert channels == {"online": 2}
    categories = {f.key: f.satisfied_share for f in satisfaction_by("unit__category_id", *ALL)}
    assert categories == {unit_a.category_id: Decimal("100.0"), unit_b.category_id: Decimal("0.0")}


def test_satisfaction_by_unit_query_count_does_not_grow(rate, django_assert_num_queries):
    units = [UnitFactory() for _i in range(6)]
    for index, unit in enumerate(units):
        many(rate, unit, [Level.SATISFIED] * 3, prefix=f"10.{index + 10}")
    with django_assert_num_queries(3):  # weights, categories, the grouped ratings
        figures = satisfaction(*ALL, [u.pk for u in units])
    assert len(figures) == 6


def test_requested_units_without_ratings_get_an_empty_figure(unit_a):
    figure = satisfaction(*ALL, [unit_a.pk])[unit_a.pk]
    assert (figure.sample, figure.score, figure.sufficient) == (0, None, False)


# --- the cached figures of the dashboards -------------------------------------------------


def test_cached_figures_are_the_exact_ones_for_the_units_asked(rate, unit_a, unit_b):
    many(rate, unit_a, [Level.SATISFIED, Level.BASIC])
    many(rate, unit_b, [Level.DISSATISFIED], prefix="10.2")
    quiet = UnitFactory(category=unit_a.category)
    asked = [unit_a.pk, quiet.pk]
    satisfaction(*ALL, cached=True)  # kept for all units
    assert satisfaction(*ALL, asked, cached=True) == satisfaction(*ALL, asked)


def test_cached_figures_are_read_without_a_query(rate, unit_a, django_assert_num_queries):
    rate(unit_a, Level.SATISFIED)
    satisfaction(*ALL, cached=True)
    with django_assert_num_queries(0):
        assert satisfaction(*ALL, [unit_a.pk], cached=True)[unit_a.pk].sample == 1


def test_cached_figures_may_lag_new_ratings(rate, unit_a):
    many(rate, unit_a, [Level.SATISFIED] * 2)
    satisfaction(*ALL, cached=True)
    rate(unit_a, Level.SATISFIED, address="10.9.9.9")
    assert satisfaction(*ALL, cached=True)[unit_a.pk].sample == 2
    assert satisfaction(*ALL)[unit_a.pk].sample == 3


def test_cached_figures_are_aggregated_again_once_expired(rate, unit_a, monkeypatch):
    monkeypatch.setattr(selectors, "SATISFACTION_CACHE_SECONDS", 0)  # expire at once
    many(rate, unit_a, [Level.SATISFIED] * 2)
    satisfaction(*ALL, cached=True)
    rate(unit_a, Level.SATISFIED, address="10.9.9.9")
    assert satisfaction(*ALL, cached=True)[unit_a.pk].sample == 3


def test_cached_figures_are_keyed_on_the_date_range(rate, unit_a):
    rate(unit_a, Level.SATISFIED, received_on=datetime.date(2026, 3, 1))
    rate(unit_a, Level.SATISFIED, received_on=datetime.date(2026, 5, 1), address="10.5.5.5")
    satisfaction(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), cached=True)
    q1 = satisfaction(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31), cached=True)
    assert q1[unit_a.pk].sample == 1


class _DownCache:
    def get(self, *args, **kwargs):
        raise ConnectionError("cache down")

    set = get


def test_cached_figures_are_computed_while_the_cache_is_down(rate, unit_a, monkeypatch):
    rate(unit_a, Level.SATISFIED)
    monkeypatch.setattr(selectors, "cache", _DownCache())
    assert satisfaction(*ALL, [unit_a.pk], cached=True)[unit_a.pk].sample == 1
