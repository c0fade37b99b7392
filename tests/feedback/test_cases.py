import datetime

import pytest
from django.core.exceptions import PermissionDenied

from feedback.models import Appeal, CaseLog, FollowUpCase, Level, Rating
from feedback.selectors import case_stats, satisfaction
from feedback.services import cases
from units.workflow import TransitionNotAllowed

pytestmark = pytest.mark.django_db
Status = FollowUpCase.Status
ALL = (datetime.date(2000, 1, 1), datetime.date(2100, 1, 1))


@pytest.fixture
def case(rate, unit_a):
    return rate(unit_a, Level.DISSATISFIED, comment="办事指南不清楚").case


def test_case_opens_with_log_row(case):
    log = CaseLog.objects.get(case=case)
    assert (log.from_status, log.to_status, log.actor) == ("", "open", None)


def test_unit_admin_replies_and_the_move_is_logged(case, unit_admin):
    cases.reply(case, user=unit_admin, text="已修订办事指南")
    case.refresh_from_db()
    assert case.status == Status.REPLIED and case.reply == "已修订办事指南"
    log = case.logs.last()
    assert (log.from_status, log.to_status, log.actor) == ("open", "replied", unit_admin)


def test_full_workflow_reply_fix_close(case, unit_admin, committee):
    cases.reply(case, user=unit_admin, text="答复")
    cases.record_fix(case, user=unit_admin, text="整改")
    cases.close(case, user=committee)
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert list(case.logs.values_list("to_status", flat=True)) == [
        "open",
        "replied",
        "rectified",
        "closed",
    ]


def test_cannot_close_an_unanswered_case(case, committee):
    with pytest.raises(TransitionNotAllowed):
        cases.close(case, user=committee)


def test_other_units_admin_cannot_reply(rate, unit_b, unit_admin):
    case = rate(unit_b, Level.DISSATISFIED).case
    with pytest.raises(PermissionDenied):
        cases.reply(case, user=unit_admin, text="x")


def test_leader_cannot_reply_on_the_page(client, case, leader):
    client.force_login(leader)
    response = client.post(f"/feedback/cases/{case.pk}/", {"action": "reply", "text": "x"})
    assert response.status_code == 403


def test_unit_admin_sees_case_due_in_five_working_days_and_replies(client, case, unit_admin):
    client.force_login(unit_admin)
    html = client.get(f"/feedback/cases/{case.pk}/").content.decode()
    assert case.reply_due.strftime("%Y-%m-%d") in html
    assert "个工作日" in html
    response = client.post(
        f"/feedback/cases/{case.pk}/", {"action": "reply", "text": "已约谈，限期整改"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.REPLIED


def test_empty_reply_is_refused_next_to_the_field(client, case, unit_admin):
    client.force_login(unit_admin)
    html = client.post(f"/feedback/cases/{case.pk}/", {"action": "reply", "text": ""}).content
    assert "该字段是必填项。" in html.decode()


def test_overdue_cases_counted_and_highlighted(client, case, committee):
    FollowUpCase.objects.filter(pk=case.pk).update(reply_due=datetime.date(2020, 1, 6))
    stats = case_stats(committee)
    assert (stats.total, stats.replied, stats.overdue) == (1, 0, 1)
    client.force_login(committee)
    html = client.get("/feedback/cases/?overdue=1").content.decode()
    assert "overdue-row" in html and "已超期" in html


def test_reply_rate_counts_answered_cases(rate, unit_a, unit_admin, committee):
    first = rate(unit_a, Level.DISSATISFIED, address="10.0.0.1").case
    rate(unit_a, Level.DISSATISFIED, address="10.0.0.2")
    cases.reply(first, user=unit_admin, text="答复")
    stats = case_stats(committee)
    assert (stats.total, stats.replied, stats.reply_rate) == (2, 1, 50)


def test_unit_admin_appeals_and_upheld_appeal_takes_rating_out(case, unit_admin, committee):
    appeal = cases.file_appeal(
        case.rating, user=unit_admin, reason="mistaken", explanation="非本单位事项"
    )
    assert satisfaction(*ALL)[case.unit_id].sample == 1
    cases.decide_appeal(appeal, user=committee, upheld=True, reason="经核实属其他部门职责")
    rating = Rating.objects.get(pk=case.rating_id)
    assert rating.excluded is True
    assert rating.excluded_reason == "申诉成立（误评（非本单位事项））：经核实属其他部门职责"
    assert satisfaction(*ALL, [case.unit_id])[case.unit_id].sample == 0
    case.refresh_from_db()
    assert case.status == Status.WITHDRAWN


def test_dismissed_appeal_keeps_rating_in_the_index(case, unit_admin, committee):
    appeal = cases.file_appeal(case.rating, user=unit_admin, reason="malicious", explanation="恶意")
    cases.decide_appeal(appeal, user=committee, upheld=False, reason="依据不足")
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.DISMISSED
    assert satisfaction(*ALL)[case.unit_id].sample == 1


def test_only_committee_decides_appeals(case, unit_admin, leader):
    appeal = cases.file_appeal(case.rating, user=unit_admin, reason="other", explanation="x")
    with pytest.raises(PermissionDenied):
        cases.decide_appeal(appeal, user=leader, upheld=True, reason="x")


def test_appeal_pages_file_and_decide(client, case, unit_admin, committee):
    client.force_login(unit_admin)
    client.post(
        f"/feedback/cases/{case.pk}/",
        {"action": "appeal", "reason": "malicious", "explanation": "同一人多次恶意评价"},
    )
    appeal = Appeal.objects.get()
    client.force_login(committee)
    assert "同一人多次恶意评价" in client.get("/feedback/appeals/").content.decode()
    client.post(f"/feedback/appeals/{appeal.pk}/decide/", {"upheld": "1", "reason": "属实"})
    appeal.refresh_from_db()
    assert (appeal.status, appeal.decision_reason) == ("upheld", "属实")
