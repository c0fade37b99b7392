"""Submissions through the API: the secretary's quarter exactly as on the web (same services,
same errors), evidence upload and linking, optimistic versions, scoping for every role."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessment.models import Evidence, Period, Submission, SubmissionEvent
from tests.api.conftest import ids, results
from tests.assessment.quarter_world import EXE_BYTES, PDF_BYTES, fill, store, submitted_world


def draft(client, period, branch, indicator, version=0, **fields):
    body = {
        "period": period.pk,
        "branch": branch.pk,
        "indicator": indicator.pk,
        "version": version,
        **fields,
    }
    return client.post("/api/v1/submissions/", body, format="json")


def attach(client, submission_id, version, *files):
    return client.post(
        f"/api/v1/submissions/{submission_id}/attach/",
        {"version": version, "files": list(files)},
        format="multipart",
    )


def pdf_upload(name="学习记录.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --- the quarter, end to end --------------------------------------------------------------


def test_secretary_submits_a_full_quarter_through_the_api_alone(
    world, secretary, with_token, period, items
):
    client = with_token(secretary)
    branch = world["a1"]
    board = client.get(f"/api/v1/periods/{period.pk}/board/", {"branch": branch.pk}).json()
    assert board["total"] == 3
    assert [row["status"] for row in board["items"]] == ["not_started"] * 3
    for row in board["items"]:
        item = row["indicator"]
        fields = {"narrative": f"{item['name']}：按计划完成。"}
        if item["requires_number"]:
            fields.update(value="3", self_score="6")
        saved = draft(client, period, branch, type("I", (), {"pk": item["id"]}), **fields)
        assert saved.status_code == 200, saved.content
        assert saved.json()["status"] == "draft"
        if item["requires_attachment"]:
            attached = attach(client, saved.json()["id"], saved.json()["version"], pdf_upload())
            assert attached.status_code == 200, attached.content
            assert len(attached.json()["evidence"]) == 1
    outcome = client.post(
        "/api/v1/submissions/submit/", {"period": period.pk, "branch": branch.pk}, format="json"
    )
    assert outcome.status_code == 200, outcome.content
    body = outcome.json()
    assert body["incomplete"] == []
    assert body["late"] is False
    assert sorted(s["indicator_code"] for s in body["submitted"]) == ["B1", "B2", "B3"]
    assert set(
        Submission.objects.filter(period=period, branch=branch).values_list("status", flat=True)
    ) == {Submission.Status.SUBMITTED}
    board = client.get(f"/api/v1/periods/{period.pk}/board/", {"branch": branch.pk}).json()
    assert (board["done"], board["percent"]) == (3, 100)


def test_submit_lists_what_each_unfinished_item_lacks(world, secretary, as_user, period, items):
    client = as_user(secretary)
    draft(client, period, world["a1"], items["graded"], narrative="已召开支委会。")
    body = client.post(
        "/api/v1/submissions/submit/", {"period": period.pk, "branch": world["a1"].pk}
    ).json()
    assert [s["indicator_code"] for s in body["submitted"]] == ["B1"]
    assert body["incomplete"] == [
        {"indicator": items["quantitative"].pk, "code": "B2", "name": "开展主题党日",
         "problems": ["尚未填写"]},
        {"indicator": items["with_file"].pk, "code": "B3", "name": "理论学习记录",
         "problems": ["尚未填写"]},
    ]  # fmt: skip


# --- drafts -------------------------------------------------------------------------------


def test_draft_records_history_like_the_web(world, secretary, as_user, period, items):
    client = as_user(secretary)
    saved = draft(client, period, world["a1"], items["quantitative"], value="2", self_score="4")
    body = saved.json()
    assert (body["value"], body["self_score"], body["version"]) == ("2.00", "4.00", 2)
    history = client.get(f"/api/v1/submissions/{body['id']}/history/").json()
    assert [e["action"] for e in history] == ["create", "save"]
    assert history[1]["changes"] == {"value": [None, "2.00"], "self_score": [None, "4.00"]}


def test_patch_with_a_stale_version_is_a_409_with_the_current_state(
    world, secretary, as_user, period, items
):
    submission = fill(period, world["a1"], items["graded"], secretary, narrative="第一稿")
    stale = submission.version
    fill(period, world["a1"], items["graded"], secretary, narrative="他人改过的第二稿")
    response = as_user(secretary).patch(
        f"/api/v1/submissions/{submission.pk}/",
        {"version": stale, "narrative": "我的修改"},
        format="json",
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "version_conflict"
    assert error["message"].startswith("此项已被")
    assert error["current"]["narrative"] == "他人改过的第二稿"
    assert error["current"]["version"] == stale + 1
    assert Submission.objects.get(pk=submission.pk).narrative == "他人改过的第二稿"


def test_patch_with_the_current_version_saves(world, secretary, as_user, period, items):
    submission = fill(period, world["a1"], items["graded"], secretary, narrative="第一稿")
    response = as_user(secretary).patch(
        f"/api/v1/submissions/{submission.pk}/",
        {"version": submission.version, "narrative": "第二稿"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["narrative"] == "第二稿"


def test_draft_in_a_closed_period_is_refused_as_locked(world, secretary, as_user, period, items):
    Period.objects.filter(pk=period.pk).update(status=Period.Status.CLOSED)
    response = draft(as_user(secretary), period, world["a1"], items["graded"], narrative="x")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "locked"
    assert "已截止" in response.json()["error"]["message"]


def test_submitted_item_cannot_be_edited(world, secretary, as_user, period, items):
    submitted_world(period, world["a1"], secretary, items)
    submission = Submission.objects.get(indicator=items["graded"], branch=world["a1"])
    response = as_user(secretary).patch(
        f"/api/v1/submissions/{submission.pk}/",
        {"version": submission.version, "narrative": "改"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "此项已提交，不能再修改。"


def test_self_score_above_nothing_negative_is_a_field_error(
    world, secretary, as_user, period, items
):
    response = draft(as_user(secretary), period, world["a1"], items["graded"], self_score="-1")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["self_score"]


def test_self_score_above_full_marks_is_refused_as_on_the_page(
    world, secretary, as_user, period, items
):
    item = items["graded"]
    response = draft(as_user(secretary), period, world["a1"], item, self_score="99")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "self_score": ["自评分应在 0 到满分 10.00 之间。"]
    }


def test_item_not_asked_of_the_branch_is_a_field_error(
    world, secretary, as_user, period, items, dimension
):
    response = draft(as_user(secretary), period, world["a1"], dimension, narrative="x")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "indicator": ["该指标不在此党支部本节点的任务中。"]
    }


def test_branch_outside_the_scope_is_refused_like_a_missing_one(
    world, secretary, as_user, period, items
):
    response = draft(as_user(secretary), period, world["b1"], items["graded"], narrative="x")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["branch"]
    assert not Submission.objects.exists()


@pytest.mark.parametrize("actor", ["unit_admin", "committee", "leader"])
def test_only_the_branch_secretary_writes_drafts(request, world, as_user, period, items, actor):
    client = as_user(request.getfixturevalue(actor))
    response = draft(client, period, world["a1"], items["graded"], narrative="代填")
    assert response.status_code == 403
    assert not Submission.objects.exists()


def test_read_only_token_of_the_secretary_cannot_draft(world, secretary, with_token, period, items):
    client = with_token(secretary, read_only=True)
    response = draft(client, period, world["a1"], items["graded"], narrative="x")
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "该令牌为只读令牌。"


# --- evidence -----------------------------------------------------------------------------


def test_attach_refuses_an_executable_and_stores_nothing(world, secretary, as_user, period, items):
    submission = fill(period, world["a1"], items["with_file"], secretary)
    exe = SimpleUploadedFile("学习记录.pdf", EXE_BYTES, content_type="application/pdf")
    response = attach(as_user(secretary), submission.pk, submission.version, pdf_upload(), exe)
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["files"] == [
        "“学习记录.pdf”不是可接受的文件："
        "请上传 PDF、图片（JPG/PNG）或 Word、Excel、PowerPoint 文件。"
    ]
    assert Evidence.objects.count() == 0


def test_attach_refuses_a_file_above_the_size_limit(
    world, secretary, as_user, period, items, settings
):
    settings.EVIDENCE_MAX_BYTES = 10
    submission = fill(period, world["a1"], items["with_file"], secretary)
    response = attach(as_user(secretary), submission.pk, submission.version, pdf_upload())
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["files"] == [
        "“学习记录.pdf”有 45\xa0字节，超过了 10\xa0字节 的上限，请压缩或拆分后再上传。"
    ]


def test_attach_with_a_stale_version_is_a_409(world, secretary, as_user, period, items):
    submission = fill(period, world["a1"], items["with_file"], secretary)
    response = attach(as_user(secretary), submission.pk, submission.version - 1, pdf_upload())
    assert response.status_code == 409
    assert response.json()["error"]["current"]["id"] == submission.pk


def test_attach_in_a_closed_period_is_locked_and_stores_nothing(
    world, secretary, as_user, period, items
):
    submission = fill(period, world["a1"], items["with_file"], secretary)
    Period.objects.filter(pk=period.pk).update(status=Period.Status.CLOSED)
    response = attach(as_user(secretary), submission.pk, submission.version, pdf_upload())
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "locked"
    assert response.json()["error"]["current"]["id"] == submission.pk
    assert Evidence.objects.count() == 0


def test_one_upload_is_linked_to_a_second_item(world, secretary, as_user, period, items):
    client = as_user(secretary)
    evidence = store(world["a1"], period, secretary)
    submission = fill(period, world["a1"], items["graded"], secretary, narrative="x")
    response = client.post(
        f"/api/v1/submissions/{submission.pk}/link/",
        {"version": submission.version, "evidence": [evidence.pk]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["evidence"] == [evidence.pk]


def test_linking_a_file_of_another_period_is_refused(
    world, secretary, as_user, period, previous_period, items
):
    status = previous_period.status  # the file was uploaded while that period was open
    Period.objects.filter(pk=previous_period.pk).update(status=Period.Status.OPEN)
    old = store(world["a1"], Period.objects.get(pk=previous_period.pk), secretary)
    Period.objects.filter(pk=previous_period.pk).update(status=status)
    submission = fill(period, world["a1"], items["graded"], secretary, narrative="x")
    response = as_user(secretary).post(
        f"/api/v1/submissions/{submission.pk}/link/",
        {"version": submission.version, "evidence": [old.pk]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["evidence"]


def test_evidence_upload_endpoint_stores_a_branch_file(world, secretary, as_user, period):
    response = as_user(secretary).post(
        "/api/v1/evidence/",
        {"file": pdf_upload(), "branch": world["a1"].pk, "period": period.pk},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["original_name"], body["content_type"]) == ("学习记录.pdf", "application/pdf")


def test_no_evidence_is_uploaded_into_a_closed_period(world, secretary, as_user, period):
    Period.objects.filter(pk=period.pk).update(status=Period.Status.PUBLISHED)
    response = as_user(secretary).post(
        "/api/v1/evidence/",
        {"file": pdf_upload(), "branch": world["a1"].pk, "period": period.pk},
        format="multipart",
    )
    assert response.status_code == 400
    [message] = response.json()["error"]["fields"]["file"]
    assert message.endswith("已发布，不能再上传该节点的材料。")
    assert not Evidence.objects.exists()


def test_evidence_download_streams_within_scope_only(
    world, secretary, outsider, unit_admin, as_user, period
):
    evidence = store(world["a1"], period, secretary)
    response = as_user(unit_admin).get(f"/api/v1/evidence/{evidence.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["X-Content-Type-Options"] == "nosniff"
    assert as_user(outsider).get(f"/api/v1/evidence/{evidence.pk}/download/").status_code == 404
    assert ids(as_user(outsider).get("/api/v1/evidence/")) == []


# --- scoping of reads ---------------------------------------------------------------------


def test_outsider_never_sees_another_branchs_submission(
    world, secretary, outsider, as_user, period, items
):
    submitted_world(period, world["a1"], secretary, items)
    client = as_user(outsider)
    listing = client.get("/api/v1/submissions/")
    assert listing.json()["count"] == 0
    some = Submission.objects.first()
    assert client.get(f"/api/v1/submissions/{some.pk}/").status_code == 404
    assert client.get(f"/api/v1/submissions/{some.pk}/history/").status_code == 404


@pytest.mark.parametrize(
    "actor,count", [("secretary", 3), ("unit_admin", 3), ("committee", 3), ("leader", 3)]
)
def test_roles_covering_the_branch_list_its_submissions(
    request, world, secretary, as_user, period, items, actor, count
):
    submitted_world(period, world["a1"], secretary, items)
    client = as_user(request.getfixturevalue(actor))
    assert client.get("/api/v1/submissions/").json()["count"] == count


def test_unit_scoped_token_hides_other_units_submissions(
    world, secretary, outsider, committee, with_token, period, items
):
    submitted_world(period, world["a1"], secretary, items)
    fill(period, world["b1"], items["graded"], outsider, narrative="乙局")
    client = with_token(committee, read_only=True, unit=world["unit_b"])
    assert client.get("/api/v1/submissions/").json()["count"] == 1


def test_submission_list_filters_and_orders(world, secretary, as_user, period, items):
    submitted_world(period, world["a1"], secretary, items)
    client = as_user(secretary)
    politics = results(client.get("/api/v1/submissions/", {"goal": "politics"}))
    assert sorted(s["indicator_code"] for s in politics) == ["B2", "B3"]
    ordered = results(client.get("/api/v1/submissions/", {"ordering": "-indicator__code"}))
    assert [s["indicator_code"] for s in ordered] == ["B3", "B2", "B1"]
    assert client.get("/api/v1/submissions/", {"status": "bogus"}).status_code == 400


def test_submission_list_query_count_does_not_grow(
    world, secretary, as_user, period, items, django_assert_max_num_queries
):
    submitted_world(period, world["a1"], secretary, items)
    client = as_user(secretary)
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/submissions/").json()["count"] == 3


# --- unit check and comments --------------------------------------------------------------


def test_unit_admin_checks_a_submitted_item_when_the_plan_asks_for_it(
    world, secretary, unit_admin, as_user, period, items, plan
):
    plan.require_unit_check = True
    plan.save()
    submitted_world(period, world["a1"], secretary, items)
    submission = Submission.objects.get(indicator=items["graded"], branch=world["a1"])
    response = as_user(unit_admin).post(
        f"/api/v1/submissions/{submission.pk}/unit-check/", {"version": submission.version}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "unit_checked"


def test_secretary_cannot_unit_check(world, secretary, as_user, period, items):
    submitted_world(period, world["a1"], secretary, items)
    submission = Submission.objects.get(indicator=items["graded"], branch=world["a1"])
    response = as_user(secretary).post(
        f"/api/v1/submissions/{submission.pk}/unit-check/", {"version": submission.version}
    )
    assert response.status_code == 403


def test_unit_admin_comment_joins_the_history(world, secretary, unit_admin, as_user, period, items):
    submission = fill(period, world["a1"], items["graded"], secretary, narrative="x")
    response = as_user(unit_admin).post(
        f"/api/v1/submissions/{submission.pk}/comment/", {"text": "请补充会议记录。"}
    )
    assert response.status_code == 201
    assert SubmissionEvent.objects.filter(action="comment", reason="请补充会议记录。").exists()


def test_leader_cannot_comment(world, secretary, leader, as_user, period, items):
    submission = fill(period, world["a1"], items["graded"], secretary, narrative="x")
    response = as_user(leader).post(f"/api/v1/submissions/{submission.pk}/comment/", {"text": "阅"})
    assert response.status_code == 403


def test_board_of_a_branch_outside_the_scope_is_404(world, outsider, as_user, period, items):
    response = as_user(outsider).get(
        f"/api/v1/periods/{period.pk}/board/", {"branch": world["a1"].pk}
    )
    assert response.status_code == 404


def test_quantitative_value_is_kept_as_a_decimal(world, secretary, as_user, period, items):
    draft(as_user(secretary), period, world["a1"], items["quantitative"], value="2.5")
    assert Submission.objects.get().value == Decimal("2.50")
