"""The period workflow, pinning of the system version and the checked opening."""

import pytest

from assessment.models import Indicator, Period, PeriodTransition
from assessment.selectors.plans import items_for, system_for
from assessment.services import indicators as svc
from assessment.services import periods
from tests.factories import AnnualPlanFactory, IndicatorFactory
from units.workflow import TransitionNotAllowed

from .plan_helpers import q1, small_system


def test_a_period_moves_forward_through_its_states(db, committee):
    period = q1(small_system()["plan"])
    periods.open_period(period, by=committee)
    periods.close_period(period, by=committee)
    periods.publish_period(period, by=committee)
    assert list(period.transitions.values_list("from_status", "to_status")) == [
        ("draft", "open"),
        ("open", "closed"),
        ("closed", "published"),
    ]


ACTION_TO = {"open": "open", "closed": "close", "published": "publish"}


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ([], "closed"),
        ([], "published"),
        (["open"], "published"),
        (["open", "closed", "published"], "open"),
    ],
)
def test_a_period_cannot_skip_or_go_back(db, committee, path, target):
    period = q1(small_system()["plan"])
    for status in path:
        periods.perform(ACTION_TO[status], period, by=committee)
    with pytest.raises(TransitionNotAllowed):
        periods.perform(ACTION_TO[target], period, by=committee)


def test_reopening_never_opens_a_draft_around_the_systems_check(db, committee):
    period = q1(small_system()["plan"])
    with pytest.raises(TransitionNotAllowed) as refused:
        periods.reopen_period(period, by=committee, reason="想直接开放")
    assert str(refused.value) == "只有已关闭的节点可以重新开放（当前：未开放）。"
    assert Period.objects.get(pk=period.pk).status == Period.Status.DRAFT
    assert not PeriodTransition.objects.filter(period=period).exists()


def test_reopening_a_closed_period_needs_a_reason(db, committee):
    period = q1(small_system()["plan"])
    periods.open_period(period, by=committee)
    periods.close_period(period, by=committee)
    with pytest.raises(periods.ReasonRequired, match="重新开放已截止的节点必须写明原因"):
        periods.reopen_period(period, by=committee, reason=" ")
    periods.reopen_period(period, by=committee, reason="两个支部因系统维护未能按时提交")
    last = PeriodTransition.objects.filter(period=period).last()
    assert (last.from_status, last.to_status, last.reason, last.by) == (
        "closed",
        "open",
        "两个支部因系统维护未能按时提交",
        committee,
    )


def test_opening_pins_the_current_system_version(db, committee):
    w = small_system()
    period = q1(w["plan"])
    periods.open_period(period, by=committee)
    period.refresh_from_db()
    assert period.system == w["system"]


def test_a_new_version_serves_periods_opened_later(db, committee):
    w = small_system()
    periods.open_period(q1(w["plan"]), by=committee)
    v2 = svc.create_version(w["system"], by=committee)
    q2 = Period.objects.get(plan=w["plan"], kind=Period.Kind.Q2)
    periods.open_period(q2, by=committee)
    q2.refresh_from_db()
    assert (system_for(q1(w["plan"])), q2.system) == (w["system"], v2)


def test_reopening_keeps_the_pinned_version(db, committee):
    w = small_system()
    period = q1(w["plan"])
    periods.open_period(period, by=committee)
    periods.close_period(period, by=committee)
    svc.create_version(w["system"], by=committee)
    periods.reopen_period(period, by=committee, reason="补报")
    period.refresh_from_db()
    assert period.system == w["system"]


def test_items_for_reads_the_pinned_version(db, committee, unit_a):
    w = small_system()
    period = q1(w["plan"])
    periods.open_period(period, by=committee)
    v2 = svc.create_version(w["system"], by=committee)
    IndicatorFactory(parent=v2.indicators.get(code="D1"), code="NEW", weight=10)
    codes = list(items_for(period, category=unit_a.category).values_list("code", flat=True))
    assert sorted(codes) == ["I1", "I2", "J1"]


def test_items_for_asks_sub_items_instead_of_their_parent(db, unit_a):
    w = small_system()
    IndicatorFactory(parent=w["i1"], code="I1a", weight=60)
    IndicatorFactory(parent=w["i1"], code="I1b", weight=40)
    codes = list(items_for(q1(w["plan"]), category=unit_a.category).values_list("code", flat=True))
    assert sorted(codes) == ["I1a", "I1b", "I2", "J1"]


def test_opening_without_a_system_is_refused(db, committee):
    from assessment.services.plans import create_default_periods

    plan = AnnualPlanFactory(year=2025)
    create_default_periods(plan)
    with pytest.raises(TransitionNotAllowed, match="2025 年度还没有指标体系"):
        periods.open_period(q1(plan), by=committee)


def test_opening_an_invalid_system_is_refused_with_the_first_fault(db, committee):
    w = small_system()
    Indicator.objects.filter(pk=w["i2"].pk).update(weight=30)
    with pytest.raises(TransitionNotAllowed) as exc:
        periods.open_period(q1(w["plan"]), by=committee)
    assert str(exc.value) == (
        "指标体系第 1 版有 1 处问题，修正后才能开放：“D1 组织夯实”的下级指标权重合计为 90%，"
        "应为 100%（加分、扣分和一票否决项不计入）。"
    )
    assert q1(w["plan"]).status == Period.Status.DRAFT


def test_opening_a_valid_system_works(db, committee):
    w = small_system()
    period = periods.open_period(q1(w["plan"]), by=committee)
    assert (period.status, period.system_id) == ("open", w["system"].pk)


def test_closing_a_period_refreshes_the_plans_scores(committee, django_capture_on_commit_callbacks):
    from unittest import mock

    from assessment.services.periods import close_period, open_period

    period = q1(small_system()["plan"])  # a valid system: the period may open
    open_period(period, by=committee)
    with mock.patch("assessment.tasks.recompute_plan_scores.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            close_period(period, by=committee)
    delay.assert_called_once_with(period.plan_id)


def test_periods_moved_in_one_transaction_refresh_their_plan_once(
    committee, django_capture_on_commit_callbacks
):
    from unittest import mock

    from assessment.services.periods import close_period, open_period

    plan = small_system()["plan"]
    first = q1(plan)
    second = Period.objects.get(plan=plan, kind=Period.Kind.Q2)
    for period in (first, second):
        open_period(period, by=committee)
    with mock.patch("assessment.tasks.recompute_plan_scores.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            close_period(first, by=committee)
            close_period(second, by=committee)
    delay.assert_called_once_with(plan.pk)


def test_publishing_goes_only_through_the_publish_service(db, committee):
    from assessment.models import ScoreSnapshot

    period = q1(small_system()["plan"])
    periods.perform("open", period, by=committee)
    periods.perform("close", period, by=committee)
    with pytest.raises(TransitionNotAllowed, match="发布节点须同时冻结得分"):
        periods._move(period, Period.Status.PUBLISHED, by=committee)
    assert Period.objects.get(pk=period.pk).status == Period.Status.CLOSED
    periods.perform("publish", period, by=committee)
    assert Period.objects.get(pk=period.pk).status == Period.Status.PUBLISHED
    assert list(ScoreSnapshot.objects.filter(period=period).values_list("revision", flat=True)) == [
        1
    ]


def test_no_form_serializer_or_admin_sets_a_period_status(db):
    from django.contrib.admin.sites import site
    from django.forms import modelform_factory
    from django.test import RequestFactory

    from assessment.admin import PeriodInline
    from assessment.models import AnnualPlan
    from assessment.serializers import PeriodSerializer
    from tests.factories import UserFactory

    assert "status" not in modelform_factory(Period, fields="__all__").base_fields
    assert PeriodSerializer().fields["status"].read_only
    request = RequestFactory().get("/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    inline = PeriodInline(AnnualPlan, site)
    assert "status" not in inline.get_formset(request).form.base_fields


@pytest.mark.parametrize(
    "model",
    ["Submission", "SubmissionEvent", "Period", "Problem", "Rectification", "NegativeListEntry"],
)
def test_the_admin_shows_service_only_records_read_only(db, model):
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    from assessment import models
    from tests.factories import UserFactory

    request = RequestFactory().get("/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    admin = site._registry[getattr(models, model)]
    assert admin.has_view_permission(request)
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request)
    assert not admin.has_delete_permission(request)


def test_web_pages_and_the_api_share_one_action_table():
    from assessment import api
    from assessment.views import plans as plan_views

    for module in (api, plan_views):
        assert module.period_service.perform is periods.perform
    assert list(periods.PERIOD_ACTIONS) == ["open", "close", "publish", "reopen"]
