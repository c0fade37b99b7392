"""Rectification notices: issue, answer with a feedback form, verify or send back; the rate."""

import datetime as dt

import pytest

from assessment.models import Rectification
from assessment.selectors.rectification import (
    ledger_report,
    problems_visible_to,
    rate,
)
from assessment.services import rectification as service
from tests.assessment.quarter_world import *  # noqa: F403
from tests.assessment.quarter_world import pdf, today
from units.workflow import TransitionNotAllowed


@pytest.fixture
def notice(world, committee, plan, graded):
    return service.issue(
        by=committee,
        plan=plan,
        unit=world["unit_a"],
        problem="部分支部“三会一课”记录不完整",
        deadline=today() + dt.timedelta(days=30),
        indicators=[graded],
    )


def test_committee_issues_a_notice_through_the_form(client, world, committee, plan, graded):
    client.force_login(committee)
    response = client.post(
        "/rectification/new/",
        {
            "unit": world["unit_a"].pk,
            "branch": world["a2"].pk,
            "problem": "支部党员人数超过100人，未及时拆分",
            "indicators": [graded.pk],
            "deadline": (today() + dt.timedelta(days=60)).isoformat(),
        },
    )
    notice = Rectification.objects.get()
    assert response["Location"] == f"/rectification/{notice.pk}/"
    assert (notice.unit, notice.branch, notice.status) == (world["unit_a"], world["a2"], "issued")
    assert list(notice.indicators.all()) == [graded]


def test_branch_of_another_unit_is_refused(client, world, committee, plan):
    client.force_login(committee)
    response = client.post(
        "/rectification/new/",
        {
            "unit": world["unit_a"].pk,
            "branch": world["b1"].pk,
            "problem": "问题",
            "deadline": today().isoformat(),
        },
    )
    assert response.context["form"].errors["branch"] == ["所选党支部不属于该单位。"]


def test_unit_admin_answers_with_measures_and_evidence(client, unit_admin, notice):
    client.force_login(unit_admin)
    response = client.post(
        f"/rectification/{notice.pk}/",
        {"measures": "已补齐记录，建立月度检查制度", "files": [pdf("整改报告.pdf")]},
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.status, notice.measures) == ("answered", "已补齐记录，建立月度检查制度")
    assert [e.original_name for e in notice.evidence.all()] == ["整改报告.pdf"]


def test_unit_admin_can_download_the_feedback_evidence_and_other_units_cannot(
    client, unit_admin, outsider, notice
):
    evidence = service.answer(notice, by=unit_admin, measures="已整改") and None
    from assessment.services.evidence import store_evidence

    evidence = store_evidence(pdf("整改报告.pdf"), by=unit_admin, unit=notice.unit)
    notice.evidence.add(evidence)
    client.force_login(unit_admin)
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 200
    client.force_login(outsider)
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 404


def test_other_unit_gets_404_on_the_notice(client, outsider, notice):
    client.force_login(outsider)
    assert client.get(f"/rectification/{notice.pk}/").status_code == 404


def test_staff_send_back_needs_a_reason_then_verify(committee, unit_admin, notice):
    service.answer(notice, by=unit_admin, measures="已整改")
    with pytest.raises(service.RectificationError):
        service.send_back(notice, by=committee, reason="")
    service.send_back(notice, by=committee, reason="未附整改前后对比材料")
    service.answer(notice, by=unit_admin, measures="已补充对比材料")
    service.verify(notice, by=committee)
    notice.refresh_from_db()
    assert notice.status == "verified"
    assert list(notice.events.values_list("from_status", "to_status", "reason")) == [
        ("", "issued", ""),
        ("issued", "answered", ""),
        ("answered", "sent_back", "未附整改前后对比材料"),
        ("sent_back", "answered", ""),
        ("answered", "verified", ""),
    ]


def test_verified_notice_cannot_be_answered_again(committee, unit_admin, notice):
    service.answer(notice, by=unit_admin, measures="已整改")
    service.verify(notice, by=committee)
    with pytest.raises(TransitionNotAllowed):
        service.answer(notice, by=unit_admin, measures="再改")


def test_leader_may_not_decide(client, leader, unit_admin, notice):
    service.answer(notice, by=unit_admin, measures="已整改")
    client.force_login(leader)
    response = client.post(f"/rectification/{notice.pk}/decide/", {"action": "verify"})
    assert response.status_code == 403


def test_rectification_rate_and_overdue_per_unit_and_overall(
    world, committee, unit_admin, plan, notice
):
    service.answer(notice, by=unit_admin, measures="已整改")
    service.verify(notice, by=committee)
    service.issue(
        by=committee,
        plan=plan,
        unit=world["unit_a"],
        problem="问题二",
        found_on=today() - dt.timedelta(days=20),
        deadline=today() - dt.timedelta(days=1),
    )
    service.issue(
        by=committee,
        plan=plan,
        unit=world["unit_b"],
        problem="问题三",
        deadline=today() + dt.timedelta(days=5),
    )
    # Verified ÷ due: the verified one and the overdue one are due; 问题三 is not yet.
    figures = rate(problems_visible_to(committee))
    assert (figures.found, figures.verified, figures.due, figures.overdue, figures.rate) == (
        3,
        1,
        2,
        1,
        50,
    )
    assert [
        (r.label, r.found, r.verified, r.overdue, r.rate)
        for r in ledger_report(problems_visible_to(committee)).by_unit
    ] == [
        ("省乙局", 1, 0, 0, None),
        ("省甲厅", 2, 1, 1, 50),
    ]
    assert rate(problems_visible_to(unit_admin)).found == 2


def test_list_page_shows_rate_and_overdue(client, committee, notice, django_assert_max_num_queries):
    client.force_login(committee)
    with django_assert_max_num_queries(18):
        response = client.get("/rectification/")
    assert response.context["report"].total.rate is None  # nothing due yet
    assert "部分支部“三会一课”记录不完整" in response.content.decode()
