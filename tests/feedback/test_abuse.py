import datetime

import pytest

from feedback.models import (
    Channel,
    FollowUpCase,
    Level,
    Moderation,
    ModerationDecision,
    Rating,
)
from feedback.selectors import satisfaction
from feedback.services.ratings import RatingInput, moderate, record_offline_rating

pytestmark = pytest.mark.django_db

YEAR = (datetime.date(2000, 1, 1), datetime.date(2100, 1, 1))


def test_twenty_identical_ratings_from_one_source_count_once_and_are_flagged(
    rate, unit_a, committee
):
    for _i in range(20):
        rate(unit_a, Level.VERY_SATISFIED, address="198.51.100.7")
    ratings = Rating.objects.filter(unit=unit_a)
    assert ratings.count() == 20  # nothing accepted is dropped
    assert ratings.filter(duplicate_of__isnull=True).count() == 1
    assert ratings.filter(moderation=Moderation.PENDING).count() == 20
    # Flagged ratings stay out of the index until cleared …
    assert satisfaction(*YEAR, [unit_a.pk])[unit_a.pk].sample == 0
    for rating in ratings:
        moderate(rating, user=committee, decision=Moderation.CLEARED, reason="核实为同一人")
    # … and once cleared they count once.
    assert satisfaction(*YEAR, [unit_a.pk])[unit_a.pk].sample == 1


def test_same_source_same_unit_within_window_is_marked_duplicate(rate, unit_a):
    first = rate(unit_a, Level.SATISFIED, address="10.9.9.9")
    second = rate(unit_a, Level.DISSATISFIED, address="10.9.9.9")
    assert first.duplicate_of is None
    assert second.duplicate_of == first
    assert FollowUpCase.objects.count() == 0  # a duplicate opens no second case


def test_same_source_after_the_window_counts_again(rate, unit_a, settings):
    first = rate(unit_a, Level.SATISFIED, address="10.9.9.9")
    Rating.objects.filter(pk=first.pk).update(
        created_at=first.created_at - datetime.timedelta(hours=25)
    )
    assert rate(unit_a, Level.SATISFIED, address="10.9.9.9").duplicate_of is None


def test_same_source_other_unit_is_not_a_duplicate(rate, unit_a, unit_b):
    rate(unit_a, Level.SATISFIED, address="10.9.9.9")
    assert rate(unit_b, Level.SATISFIED, address="10.9.9.9").duplicate_of is None


def test_many_sources_giving_one_level_are_not_flagged(rate, unit_a):
    for index in range(8):
        rate(unit_a, Level.VERY_SATISFIED, address=f"10.0.1.{index}")
    assert Rating.objects.filter(moderation=Moderation.PENDING).count() == 0
    assert satisfaction(*YEAR, [unit_a.pk])[unit_a.pk].sample == 8


def test_burst_from_two_sources_is_flagged(rate, unit_a):
    for index in range(5):
        rate(unit_a, Level.VERY_DISSATISFIED, address=f"10.0.2.{index % 2}")
    assert Rating.objects.filter(moderation=Moderation.PENDING).count() == 5
    assert Rating.objects.first().flag_reason == "短时间内同一等级集中来自少数来源"


def test_a_third_source_joining_is_no_burst(rate, unit_a):
    for index in range(4):
        rate(unit_a, Level.VERY_DISSATISFIED, address=f"10.0.2.{index % 2}")
    rate(unit_a, Level.VERY_DISSATISFIED, address="10.0.2.9")
    assert Rating.objects.filter(moderation=Moderation.PENDING).count() == 0


def test_a_rating_joining_a_flagged_burst_is_stored_flagged(rate, unit_a):
    for _i in range(5):
        rate(unit_a, Level.VERY_SATISFIED, address="10.0.3.1")
    sixth = rate(unit_a, Level.VERY_SATISFIED, address="10.0.3.1")
    assert (sixth.moderation, sixth.flag_reason) == (
        Moderation.PENDING,
        "短时间内同一等级集中来自少数来源",
    )
    sixth.refresh_from_db()
    assert sixth.moderation == Moderation.PENDING


def test_a_cleared_rating_stays_cleared_when_the_burst_goes_on(rate, unit_a, committee):
    for _i in range(5):
        rate(unit_a, Level.VERY_SATISFIED, address="10.0.3.1")
    cleared = Rating.objects.earliest("pk")
    moderate(cleared, user=committee, decision=Moderation.CLEARED, reason="核实为真实评价")
    rate(unit_a, Level.VERY_SATISFIED, address="10.0.3.1")
    cleared.refresh_from_db()
    assert cleared.moderation == Moderation.CLEARED
    assert Rating.objects.filter(moderation=Moderation.PENDING).count() == 5


def test_ratings_of_other_levels_are_no_part_of_a_burst(rate, unit_a):
    for _i in range(4):
        rate(unit_a, Level.VERY_SATISFIED, address="10.0.3.1")
    rate(unit_a, Level.SATISFIED, address="10.0.3.1")
    assert Rating.objects.filter(moderation=Moderation.PENDING).count() == 0


def test_offline_ratings_never_make_a_burst(unit_a, committee, calendar):
    for _i in range(5):
        record_offline_rating(
            RatingInput(unit=unit_a, level=Level.VERY_DISSATISFIED, channel=Channel.PHONE),
            user=committee,
        )
    assert Rating.objects.filter(moderation=Moderation.PENDING).count() == 0


def test_every_duplicate_points_at_the_first_rating_of_the_source(rate, unit_a):
    first = rate(unit_a, Level.SATISFIED, address="10.9.9.9")
    rate(unit_a, Level.SATISFIED, address="10.9.9.9")
    third = rate(unit_a, Level.BASIC, address="10.9.9.9")
    assert third.duplicate_of == first


def test_rejecting_a_flagged_rating_records_reason_and_withdraws_its_case(rate, unit_a, committee):
    for _i in range(5):
        rate(unit_a, Level.VERY_DISSATISFIED, address="10.0.3.1")
    original = Rating.objects.get(duplicate_of__isnull=True)
    moderate(original, user=committee, decision=Moderation.REJECTED, reason="刷评")
    original.refresh_from_db()
    assert original.moderation == Moderation.REJECTED
    decision = ModerationDecision.objects.get(rating=original)
    assert (decision.reason, decision.decided_by) == ("刷评", committee)
    assert original.case.status == FollowUpCase.Status.WITHDRAWN


def test_moderation_needs_committee(rate, unit_a, leader):
    for _i in range(5):
        rate(unit_a, Level.VERY_SATISFIED, address="10.0.3.1")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        moderate(Rating.objects.first(), user=leader, decision="cleared", reason="x")


def test_moderation_queue_page_lists_flagged_and_clears_by_post(client, rate, unit_a, committee):
    for _i in range(5):
        rate(unit_a, Level.VERY_SATISFIED, address="10.0.3.1")
    client.force_login(committee)
    html = client.get("/feedback/moderation/").content.decode()
    assert html.count("短时间内同一等级集中来自少数来源") == 5
    rating = Rating.objects.first()
    response = client.post(
        f"/feedback/ratings/{rating.pk}/moderate/", {"decision": "cleared", "reason": "已核实"}
    )
    assert response.status_code == 302
    rating.refresh_from_db()
    assert rating.moderation == Moderation.CLEARED


def test_the_rate_limit_counts_again_once_the_window_has_passed(settings):
    from django.core.cache import cache

    from feedback.services.abuse import RateLimited, check_rate_limit

    settings.FEEDBACK_RATE_LIMIT = 1
    check_rate_limit("source-a")
    cache.clear()  # as when the window's key expires
    check_rate_limit("source-a")
    with pytest.raises(RateLimited):
        check_rate_limit("source-a")


@pytest.mark.redis
def test_rate_limit_counts_atomically_in_real_redis(settings):
    import os

    from feedback.services.abuse import RateLimited, check_rate_limit

    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs a real Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379/14)")
    settings.FEEDBACK_RATE_LIMIT = 3
    for _i in range(3):
        check_rate_limit("redis-test-source")
    with pytest.raises(RateLimited):
        check_rate_limit("redis-test-source")


@pytest.mark.redis
def test_rate_limit_window_starts_with_the_first_submission_in_real_redis(settings):
    import os

    from django.core.cache import caches

    from feedback.services.abuse import check_rate_limit

    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs a real Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379/14)")
    settings.FEEDBACK_RATE_WINDOW_SECONDS = 600
    backend = caches["default"]
    name = backend.make_and_validate_key("feedback:rate:redis-window-source")
    client = backend._cache.get_client(name, write=True)
    check_rate_limit("redis-window-source")
    client.expire(name, 300)  # as if the first submission were five minutes old
    check_rate_limit("redis-window-source")
    assert backend.get("feedback:rate:redis-window-source") == 2
    assert 0 < client.ttl(name) <= 300
