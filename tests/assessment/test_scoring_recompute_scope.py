"""What a review recomputes: its unit in its own period, the composites only when the review
can change them, every period for a veto, and at most one pending recompute per unit."""

from decimal import Decimal as D
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import transaction

from assessment.models import Period, PeriodScore, Submission
from assessment.scoring import engine, pending, rules, schedule
from tests.assessment.scoring_world import K, accept, make_item
from tests.assessment.test_scoring_periods import year  # noqa: F401 - fixture
from tests.factories import BranchFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


def unit_row(period, unit):
    return PeriodScore.objects.get(period=period, unit=unit, branch__isnull=True)


def q2_submission(year):  # noqa: F811
    return Submission.objects.get(period=year["q2"], branch=year["branch"], indicator__code="Q")


def test_review_in_an_open_quarter_leaves_the_composites_alone(year):  # noqa: F811
    engine.recompute_plan(year["plan"])
    Period.objects.filter(pk=year["q2"].pk).update(status=Period.Status.OPEN)
    h1_before = unit_row(year["h1"], year["unit"])
    sub = q2_submission(year)
    Submission.objects.filter(pk=sub.pk).update(reviewer_score=D("6"))
    engine.recompute_for_submission(sub.pk)
    assert unit_row(year["q2"], year["unit"]).net_rate == D("60")
    h1_after = unit_row(year["h1"], year["unit"])
    assert (h1_after.pk, h1_after.total) == (h1_before.pk, D("76.67"))


def test_review_in_a_closed_quarter_recomputes_the_composites(year):  # noqa: F811
    engine.recompute_plan(year["plan"])
    sub = q2_submission(year)
    Submission.objects.filter(pk=sub.pk).update(reviewer_score=D("8"))
    engine.recompute_for_submission(sub.pk)
    h1 = unit_row(year["h1"], year["unit"])
    # quarters 80 and 80: (80 × 0.5 + 60 × 0.4) ÷ 0.9 = 71.11
    assert (h1.quarter_mean, h1.total) == (D("80"), D("71.11"))


def test_veto_review_in_an_open_quarter_vetoes_the_composites(year):  # noqa: F811
    engine.recompute_plan(year["plan"])
    Period.objects.filter(pk=year["q2"].pk).update(status=Period.Status.OPEN)
    system = year["q2"].system
    veto = make_item(system, None, "V", K.VETO, max_score=1)
    sub = accept(year["q2"], veto, year["unit"], year["branch"], score=1)
    engine.recompute_for_submission(sub.pk)
    assert unit_row(year["h1"], year["unit"]).vetoed is True
    assert unit_row(year["annual"], year["unit"]).vetoed is True


def _schedule(sub, django_capture_on_commit_callbacks):
    """One review transaction that commits: its callbacks run, then leave the queue (the
    test's outer transaction never commits, so they would stay there)."""
    connection = transaction.get_connection()
    waiting = len(connection.run_on_commit)
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            schedule.after_review(sub)
    del connection.run_on_commit[waiting:]


def test_a_pending_recompute_absorbs_later_reviews_of_its_unit(
    year,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    sub = q2_submission(year)
    with mock.patch("assessment.tasks.recompute_reviewed_scores.delay") as delay:
        _schedule(sub, django_capture_on_commit_callbacks)
        _schedule(sub, django_capture_on_commit_callbacks)
        assert delay.call_count == 1
        # what the task does when it starts
        pending.release(sub.period_id, [sub.unit_id], rules.Reach.COMPOSITES)
        _schedule(sub, django_capture_on_commit_callbacks)
    assert delay.call_count == 2


def test_a_pending_recompute_of_one_unit_does_not_absorb_another_unit(
    year,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    sub = q2_submission(year)
    other_unit = UnitFactory(name="省戊局")
    other = accept(year["q2"], sub.indicator, other_unit, BranchFactory(unit=other_unit), score=5)
    other = Submission.objects.get(pk=other.pk)
    with mock.patch("assessment.tasks.recompute_reviewed_scores.delay") as delay:
        _schedule(sub, django_capture_on_commit_callbacks)
        _schedule(other, django_capture_on_commit_callbacks)
    assert [c.args for c in delay.call_args_list] == [
        (sub.period_id, [year["unit"].pk], "composites"),
        (sub.period_id, [other_unit.pk], "composites"),
    ]


def test_the_task_releases_the_period_before_computing(year, django_capture_on_commit_callbacks):  # noqa: F811
    sub = q2_submission(year)
    _schedule(sub, django_capture_on_commit_callbacks)  # Celery runs inline in tests
    with mock.patch("assessment.tasks.recompute_reviewed_scores.delay") as delay:
        _schedule(sub, django_capture_on_commit_callbacks)
    assert delay.call_count == 1


def test_a_veto_review_is_never_absorbed(year, django_capture_on_commit_callbacks):  # noqa: F811
    veto = make_item(year["q2"].system, None, "V", K.VETO, max_score=1)
    sub = accept(year["q2"], veto, year["unit"], year["branch"], score=1)
    with mock.patch("assessment.tasks.recompute_reviewed_scores.delay") as delay:
        _schedule(q2_submission(year), django_capture_on_commit_callbacks)
        _schedule(sub, django_capture_on_commit_callbacks)
    unit_id = year["unit"].pk
    assert [c.args for c in delay.call_args_list] == [
        (sub.period_id, [unit_id], "composites"),
        (sub.period_id, [unit_id], "plan"),
    ]


def test_a_broker_outage_does_not_block_later_recomputes(
    year,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    sub = q2_submission(year)
    with mock.patch(
        "assessment.tasks.recompute_reviewed_scores.delay", side_effect=OSError("down")
    ):
        _schedule(sub, django_capture_on_commit_callbacks)  # robust: logged, not raised
    with mock.patch("assessment.tasks.recompute_reviewed_scores.delay") as delay:
        _schedule(sub, django_capture_on_commit_callbacks)
    assert delay.call_count == 1
