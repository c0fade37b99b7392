"""/api/v1/duty-reports/: 述职 list, detail, edit draft, submit, grade and return, with the
checks of assessment.services.duty behind every call."""

import pytest

from assessment.models import DutyReport
from assessment.services import duty as service
from tests.api.conftest import ids, results
from tests.factories import UserFactory
from units.models import Role
from units.services import grant_role

URL = "/api/v1/duty-reports/"
# The sections the platform leaves empty here (no accepted evidence, no open problems).
SECTIONS = {"highlights": "1. 红色党日", "problems": "1. 学用结合不紧"}


@pytest.fixture
def party_secretary(unit_a, committee):
    user = UserFactory(username="partysecretary")
    grant_role(user, Role.Kind.PARTY_SECRETARY, unit=unit_a, by=committee)
    return user


@pytest.fixture
def party_member(unit_a, branch_a2, committee):
    user = UserFactory(username="partymember")
    grant_role(user, Role.Kind.PARTY_MEMBER, unit=unit_a, branches=[branch_a2], by=committee)
    return user


@pytest.fixture
def reports(world, committee):
    service.draft_reports(2025, by=committee)
    return {
        "unit_a": DutyReport.objects.get(unit=world["unit_a"], branch=None),
        "unit_b": DutyReport.objects.get(unit=world["unit_b"], branch=None),
        "a1": DutyReport.objects.get(branch=world["a1"]),
        "a2": DutyReport.objects.get(branch=world["a2"]),
    }


def test_list_follows_the_scope(as_user, committee, party_secretary, party_member, reports):
    everything = ids(as_user(committee).get(URL))
    assert len(everything) == 5
    assert ids(as_user(party_secretary).get(URL)) == sorted(
        [reports["unit_a"].pk, reports["a1"].pk, reports["a2"].pk]
    )
    assert ids(as_user(party_member).get(URL)) == [reports["a2"].pk]
    assert as_user(party_member).get(f"{URL}{reports['unit_b'].pk}/").status_code == 404
    filtered = results(as_user(committee).get(URL, {"author_kind": "party_secretary"}))
    assert sorted(r["unit"] for r in filtered) == sorted(
        [reports["unit_a"].unit_id, reports["unit_b"].unit_id]
    )


def test_detail_carries_the_platforms_figures(as_user, party_secretary, reports):
    body = as_user(party_secretary).get(f"{URL}{reports['unit_a'].pk}/").json()
    assert body["status"] == "draft"
    assert body["figures"]["year"] == 2025
    assert body["figures"]["rectification"]["issued"] == 0
    assert body["author_kind_label"] == "党组书记"


def test_author_edits_submits_committee_grades(as_user, committee, party_secretary, reports):
    url = f"{URL}{reports['unit_a'].pk}/"
    author = as_user(party_secretary)
    response = author.patch(url, {"plans": "抓好支部标准化。"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["plans"] == "抓好支部标准化。"
    assert author.put(url, {"plans": "x"}, format="json").status_code == 405
    refused = author.post(f"{url}submit/")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["duties"] == [
        "以下部分尚未填写：特色亮点、存在问题。请填写后再提交述职报告。"
    ]
    author.patch(url, SECTIONS, format="json")
    assert author.post(f"{url}submit/").json()["status"] == "submitted"
    assert author.patch(url, {"plans": "y"}, format="json").status_code == 409
    assert author.post(f"{url}grade/", {"grade": "excellent"}).status_code == 403
    staff = as_user(committee)
    refused = staff.post(f"{url}grade/", {"grade": "poor"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["comment"] == ["评为“一般”或“差”时请写明评议意见。"]
    graded = staff.post(f"{url}grade/", {"grade": "good", "comment": "较好"}, format="json")
    assert (graded.json()["status"], graded.json()["grade_label"]) == ("graded", "较好")
    assert staff.post(f"{url}return/", {"reason": "x"}, format="json").status_code == 409


def test_others_may_not_write(as_user, leader, unit_admin, party_member, secretary, reports):
    url = f"{URL}{reports['unit_a'].pk}/"
    for user in (leader, unit_admin):
        assert as_user(user).patch(url, {"plans": "x"}, format="json").status_code == 403
        assert as_user(user).post(f"{url}submit/").status_code == 403
    # Outside the scope: not found, not forbidden.
    assert as_user(party_member).patch(url, {"plans": "x"}, format="json").status_code == 404
    assert as_user(secretary).post(f"{url}submit/").status_code == 404


def test_read_only_token_of_the_author_cannot_write(with_token, party_secretary, reports):
    client = with_token(party_secretary, read_only=True)
    url = f"{URL}{reports['unit_a'].pk}/"
    assert client.get(url).status_code == 200
    assert client.patch(url, {"plans": "x"}, format="json").status_code == 403


def test_committee_returns_with_a_reason(as_user, committee, secretary, reports):
    url = f"{URL}{reports['a1'].pk}/"
    as_user(secretary).patch(url, {**SECTIONS, "plans": "抓好支部标准化。"}, format="json")
    assert as_user(secretary).post(f"{url}submit/").json()["status"] == "submitted"
    staff = as_user(committee)
    assert staff.post(f"{url}return/", {}, format="json").status_code == 400
    returned = staff.post(f"{url}return/", {"reason": "请补充亮点"}, format="json")
    assert (returned.json()["status"], returned.json()["grade_comment"]) == (
        "returned",
        "请补充亮点",
    )
