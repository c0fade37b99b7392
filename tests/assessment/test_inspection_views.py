"""The inspection pages: creating a round, the figures and arbitration on the round page, an
inspector's item page with evidence and findings."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment.models import (
    InspectionRound,
    InspectionVerdict,
    InspectorScore,
    Problem,
    Submission,
)
from assessment.services import inspection as service
from assessment.services.evidence import store_evidence
from tests.assessment.inspection_world import *  # noqa: F403
from tests.factories import UserFactory, user_with_role
from units.models import Role


@pytest.fixture
def published(committee, round_):
    service.draw_round(by=committee, round_=round_, seed=21)
    service.publish_round(round_, by=committee)
    return round_


def test_staff_create_a_round_from_the_web_form(client, committee, period, world, groups, items):
    admin_c = UserFactory(full_name="丙委管理员")
    Role.objects.create(user=admin_c, kind=Role.Kind.UNIT_ADMIN, unit=groups["unit_c"])
    client.force_login(committee)
    page = client.get("/inspection/new/")
    assert f"{admin_c.pk}:{groups['unit_c'].pk}" in dict(
        page.context["form"].fields["inspectors"].choices
    )
    response = client.post(
        "/inspection/new/",
        {
            "name": "第三季度联检",
            "period": period.pk,
            "groups": [groups["first"].pk],
            "item_selection": "count",
            "sample_count": "2",
            "inspectors_per_item": "1",
            "rule": "other_group",
            "tolerance": "0.20",
            "agreed_rule": "lower",
            "moderation": "on",
            "inspectors": [f"{admin_c.pk}:{groups['unit_c'].pk}"],
        },
    )
    round_ = InspectionRound.objects.get(name="第三季度联检")
    assert response["Location"] == f"/inspection/{round_.pk}/"
    assert set(round_.units.all()) == {world["unit_a"], world["unit_b"]}
    assert (round_.sample_count, round_.agreed_rule, round_.moderation) == (2, "lower", True)
    assert [(i.user, i.unit) for i in round_.inspectors.all()] == [(admin_c, groups["unit_c"])]
    service.draw_round(by=committee, round_=round_, seed=5)
    assert round_.assignments.count() == 2  # the sample of two of the three items


def test_the_form_refuses_a_round_without_units(client, committee, period):
    client.force_login(committee)
    page = client.post(
        "/inspection/new/",
        {
            "name": "空轮次",
            "period": period.pk,
            "item_selection": "all",
            "inspectors_per_item": "2",
            "rule": "other_group",
            "tolerance": "0.20",
            "agreed_rule": "mean",
        },
    )
    assert page.status_code == 200
    assert page.context["form"].non_field_errors() == ["请选择受检单位。"]


def test_conflict_declared_on_the_page(client, committee, round_, world):
    client.force_login(committee)
    zhang = round_.inspectors.get(user__full_name="丙委张三")
    client.post(
        f"/inspection/{round_.pk}/conflicts/",
        {"inspector": zhang.pk, "unit": world["unit_a"].pk, "reason": "曾在甲厅任职"},
    )
    assert zhang.conflicts.get().reason == "曾在甲厅任职"


def score_everything(round_, grades):
    for assignment in round_.assignments.select_related("inspector__user").order_by("pk"):
        grade = grades[assignment.inspector.user.full_name]
        service.score_item(assignment, by=assignment.inspector.user, grade=grade, comment=grade)


def test_round_page_shows_figures_and_arbitrates(client, committee, published, items):
    score_everything(published, {"丙委张三": "A", "丁办李四": "D"})
    client.force_login(committee)
    client.post(f"/inspection/{published.pk}/settle/")
    page = client.get(f"/inspection/{published.pk}/")
    body = page.content.decode()
    assert page.context["figures"]["overall_row"]["items"] == 3
    assert page.context["figures"]["overall_row"]["share_within"] == 0.0
    assert page.context["figures"]["overall_row"]["mean_abs_diff"] == 60.0
    assert len(page.context["queue"]) == 3
    assert "ICC(1,1)" in body and "偏宽" in body and "偏严" in body
    verdict = InspectionVerdict.objects.filter(submission=items[0]).get()
    response = client.post(
        f"/inspection/verdicts/{verdict.pk}/arbitrate/", {"grade": "C", "comment": "折中"}
    )
    assert response["Location"] == f"/inspection/{published.pk}/#arbitration"
    items[0].refresh_from_db()
    assert (items[0].grade, str(items[0].reviewer_score)) == ("C", "6.00")


def test_round_page_queries_do_not_grow_with_the_round(client, committee, published, items):
    client.force_login(committee)
    score_everything(published, {"丙委张三": "A", "丁办李四": "B"})
    client.get(f"/inspection/{published.pk}/")  # the session's nav answer, recomputed once
    with CaptureQueriesContext(connection) as small:
        client.get(f"/inspection/{published.pk}/")
    bigger = service.create_round(
        by=committee, period=published.period, name="再一轮", units=list(published.units.all())
    )
    for inspector in published.inspectors.all():
        service.name_inspector(
            by=committee, round_=bigger, user=inspector.user, unit=inspector.unit
        )
    service.name_inspector(
        by=committee,
        round_=bigger,
        user=UserFactory(full_name="第三人"),
        unit=published.inspectors.first().unit,
    )
    service.draw_round(by=committee, round_=bigger, seed=1)
    service.publish_round(bigger, by=committee)
    score_everything(bigger, {"丙委张三": "A", "丁办李四": "B", "第三人": "C"})
    client.get(f"/inspection/{bigger.pk}/")
    with CaptureQueriesContext(connection) as large:
        client.get(f"/inspection/{bigger.pk}/")
    assert len(large) == len(small)


def test_inspector_sees_evidence_records_a_finding_and_loses_access_on_close(
    client, committee, published, items, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    from tests.assessment.quarter_world import pdf

    first = items[0]
    secretary = user_with_role(Role.Kind.SECRETARY, branch=first.branch)
    evidence = store_evidence(
        pdf(), by=secretary, unit=first.unit, branch=first.branch, period=first.period
    )
    first.evidence.add(evidence)
    zhang = published.assignments.get(submission=first, inspector__user__full_name="丙委张三")
    user = zhang.inspector.user
    client.force_login(user)
    page = client.get(f"/inspection/mine/?s={zhang.pk}")
    assert list(page.context["evidence"]) == [evidence]
    assert "我的联检任务" in page.content.decode()  # the nav link
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 200
    response = client.post(f"/inspection/items/{zhang.pk}/findings/", {"text": "会议记录缺签到"})
    assert response["Location"] == f"/inspection/mine/?s={zhang.pk}"
    assert Problem.objects.get().unit == first.unit
    service.close_round(published, by=committee)
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 404
    assert client.post(f"/inspection/items/{zhang.pk}/score/", {"grade": "A"}).status_code == 404
    assert client.post(f"/inspection/items/{zhang.pk}/findings/", {"text": "x"}).status_code == 404
    assert "我的联检任务" not in client.get("/").content.decode()


@pytest.mark.parametrize("typed", ["NaN", "sNaN", "Infinity", "abc", "1.999", "7"])
def test_a_score_that_is_not_one_is_refused_and_what_was_typed_stays(
    client, committee, round_, items, quantitative, typed
):
    Submission.objects.filter(pk=items[0].pk).update(indicator=quantitative)
    service.draw_round(by=committee, round_=round_, seed=21)
    service.publish_round(round_, by=committee)
    zhang = round_.assignments.get(submission=items[0], inspector__user__full_name="丙委张三")
    client.force_login(zhang.inspector.user)

    response = client.post(
        f"/inspection/items/{zhang.pk}/score/",
        {"score": typed, "comment": "佐证材料齐全，记录规范"},
        follow=True,
    )

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "评分须在0到满分6.00之间，最多两位小数。"
    ]
    body = response.content.decode()
    assert f'name="score" inputmode="decimal" value="{typed}"' in body
    assert "佐证材料齐全，记录规范</textarea>" in body
    assert not InspectorScore.objects.exists()
    # Once shown, the typed values are gone: the next visit shows the item as stored.
    again = client.get(f"/inspection/mine/?s={zhang.pk}").content.decode()
    assert "佐证材料齐全，记录规范" not in again


def test_an_arbitration_refused_keeps_the_score_and_reason(client, committee, published, items):
    score_everything(published, {"丙委张三": "A", "丁办李四": "D"})
    client.force_login(committee)
    client.post(f"/inspection/{published.pk}/settle/")
    verdict = InspectionVerdict.objects.filter(submission=items[0]).get()

    page = client.post(
        f"/inspection/verdicts/{verdict.pk}/arbitrate/",
        {"grade": "C", "score": "-1", "comment": "两位评审员差距过大，按记录折中"},
        follow=True,
    )

    body = page.content.decode()
    assert "两位评审员差距过大，按记录折中" in body
    assert '<option value="C" selected>' in body
