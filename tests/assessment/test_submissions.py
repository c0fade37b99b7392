"""The secretary's quarter: board, drafts, history, submitting all finished items."""

from decimal import Decimal

import pytest

from assessment.models import Submission, SubmissionEvent
from assessment.selectors.submissions import board, item_walk
from assessment.services.submissions import copy_previous, submit_branch
from tests.assessment.quarter_world import *  # noqa: F403
from tests.assessment.quarter_world import fill, fill_all, item_url, pdf, store


def test_board_groups_items_by_standard_with_not_started_status(world, period, items):
    result = board(period, world["a1"])
    assert list(result.groups) == ["信念坚实", "理论扎实", "组织夯实"]
    assert [row.item.code for rows in result.groups.values() for row in rows] == ["B2", "B3", "B1"]
    assert [row.status for rows in result.groups.values() for row in rows] == ["not_started"] * 3
    assert (result.total, result.done, result.percent) == (3, 0, 0)


def test_board_page_query_count_does_not_grow_with_items(
    client, world, secretary, period, items, django_assert_max_num_queries
):
    client.force_login(secretary)
    for indicator in items.values():
        fill(period, world["a1"], indicator, secretary, narrative="说明")
    with django_assert_max_num_queries(12):
        response = client.get(f"/quarter/{period.pk}/{world['a1'].pk}/")
    assert response.status_code == 200
    assert response.content.decode().count('class="badge badge-info"') == 3


def test_saving_a_draft_records_who_and_before_after(world, secretary, period, items):
    submission = fill(period, world["a1"], items["graded"], secretary, narrative="第一稿")
    assert submission.status == Submission.Status.DRAFT
    assert submission.version == 2
    events = list(SubmissionEvent.objects.filter(submission=submission).order_by("pk"))
    assert [e.action for e in events] == ["create", "save"]
    assert events[1].by == secretary
    assert events[1].changes == {"narrative": ["", "第一稿"]}


def test_repeated_autosaves_fold_into_one_history_entry(world, secretary, period, items):
    fill(period, world["a1"], items["graded"], secretary, narrative="第一稿")
    submission = fill(period, world["a1"], items["graded"], secretary, narrative="第二稿")
    saves = SubmissionEvent.objects.filter(submission=submission, action="save")
    assert [e.changes for e in saves] == [{"narrative": ["", "第二稿"]}]


def test_plain_form_saves_number_text_self_score_and_upload(
    client, world, secretary, period, items
):
    client.force_login(secretary)
    response = client.post(
        item_url(period, world["a1"], items["quantitative"]),
        {"value": "2", "self_score": "4", "narrative": "", "version": "0", "files": [pdf()]},
    )
    assert response.status_code == 302
    submission = Submission.objects.get(indicator=items["quantitative"])
    assert (submission.value, submission.self_score) == (Decimal("2"), Decimal("4"))
    assert [e.original_name for e in submission.evidence.all()] == ["支部委员会会议记录.pdf"]


def test_self_score_above_max_is_refused_next_to_the_field(client, world, secretary, period, items):
    client.force_login(secretary)
    response = client.post(
        item_url(period, world["a1"], items["quantitative"]),
        {"value": "2", "self_score": "9", "version": "0"},
    )
    assert response.status_code == 200
    assert "self_score" in response.context["form"].errors
    assert not Submission.objects.exists()


def test_save_and_next_follows_the_list_not_the_item_positions(
    client, world, secretary, period, items
):
    # The list groups by 六实 standard: B2 (信念) · B3 (理论) · B1 (组织).
    client.force_login(secretary)
    response = client.post(
        item_url(period, world["a1"], items["quantitative"]),
        {"value": "2", "version": "0", "save_next": "1"},
    )
    assert response["Location"] == item_url(period, world["a1"], items["with_file"])
    response = client.post(
        item_url(period, world["a1"], items["graded"]),
        {"narrative": "已落实", "version": "0", "save_next": "1"},
    )
    assert response["Location"] == f"/quarter/{period.pk}/{world['a1'].pk}/"


@pytest.fixture
def mixed_quarter(world, secretary, committee, period, items, dimension):
    """Five items in the list's order B2 · B4 · B3 · B1 · B5 (by standard, then position):
    B2 submitted, B4 not started, B3 returned, B1 a draft, B5 not started."""
    from assessment.models import Standard
    from assessment.services.review import return_submission
    from tests.factories import IndicatorFactory

    extra = {
        "B4": IndicatorFactory(
            parent=dimension, code="B4", name="学习强国", standard=Standard.BELIEF, position=4
        ),
        "B5": IndicatorFactory(
            parent=dimension, code="B5", name="为民办实事", standard=Standard.SERVICE, position=0
        ),
    }
    branch = world["a1"]
    fill(period, branch, items["quantitative"], secretary, value=Decimal("3"))
    fill(period, branch, items["with_file"], secretary, evidence=[store(branch, period, secretary)])
    submit_branch(period, branch, by=secretary)
    returned = Submission.objects.get(indicator=items["with_file"])
    return_submission(returned, by=committee, read_version=returned.version, reason="请补充")
    fill(period, branch, items["graded"], secretary, self_score=Decimal("5"))
    return {
        **extra,
        "B1": items["graded"],
        "B2": items["quantitative"],
        "B3": items["with_file"],
    }


def test_walk_visits_exactly_the_unfinished_items_in_the_lists_order(world, period, mixed_quarter):
    branch = world["a1"]
    listed = [row.item.code for row in board(period, branch).rows]
    assert listed == ["B2", "B4", "B3", "B1", "B5"]
    visited, current = [], mixed_quarter["B2"]
    while current is not None:
        walk = item_walk(period, branch, current)
        visited.append((current.code, walk.position, walk.total))
        current = next((i for i in mixed_quarter.values() if i.pk == walk.next_unfinished), None)
    assert visited == [("B2", 1, 5), ("B4", 2, 5), ("B3", 3, 5), ("B1", 4, 5), ("B5", 5, 5)]
    assert item_walk(period, branch, mixed_quarter["B4"]).next_unfinished == (
        mixed_quarter["B3"].pk
    )
    assert item_walk(period, branch, mixed_quarter["B5"]).next_unfinished is None


def test_walk_skips_submitted_items_and_the_breadcrumb_counts_in_the_lists_order(
    client, world, secretary, period, mixed_quarter
):
    client.force_login(secretary)
    branch = world["a1"]
    # From the list's first item the walk skips nothing but finished work: B4 comes next...
    submitted = item_walk(period, branch, mixed_quarter["B2"])
    assert submitted.next_unfinished == mixed_quarter["B4"].pk
    # ...and saving B1 leads to B5, the last unfinished item.
    draft = Submission.objects.get(indicator=mixed_quarter["B1"])
    response = client.post(
        item_url(period, branch, mixed_quarter["B1"]),
        {"narrative": "已落实", "self_score": "5", "version": draft.version, "save_next": "1"},
    )
    assert response["Location"] == item_url(period, branch, mixed_quarter["B5"])
    page = client.get(item_url(period, branch, mixed_quarter["B3"])).content.decode()
    assert "第 3 / 5 项" in page
    page = client.get(item_url(period, branch, mixed_quarter["B5"])).content.decode()
    assert "第 5 / 5 项" in page
    assert "保存并返回任务列表" in page


def test_one_file_is_linked_to_several_items(world, secretary, period, items):
    evidence = store(world["a1"], period, secretary)
    fill(
        period, world["a1"], items["graded"], secretary, narrative="见会议记录", evidence=[evidence]
    )
    fill(period, world["a1"], items["with_file"], secretary, evidence=[evidence])
    assert evidence.submissions.count() == 2


def test_submit_moves_finished_items_and_lists_what_the_rest_lack(world, secretary, period, items):
    fill(period, world["a1"], items["graded"], secretary, narrative="按月召开支委会")
    fill(period, world["a1"], items["quantitative"], secretary, self_score=Decimal("3"))
    outcome = submit_branch(period, world["a1"], by=secretary)
    assert [s.indicator.code for s in outcome.submitted] == ["B1"]
    assert [(i.code, problems) for i, problems in outcome.incomplete] == [
        ("B2", ["请填写主题党日次数"]),
        ("B3", ["尚未填写"]),
    ]
    assert Submission.objects.get(indicator=items["graded"]).status == "submitted"
    assert Submission.objects.get(indicator=items["quantitative"]).status == "draft"


def test_attachment_required_item_without_file_is_not_submitted(world, secretary, period, items):
    fill(period, world["a1"], items["with_file"], secretary, self_score=Decimal("5"))
    outcome = submit_branch(period, world["a1"], by=secretary)
    assert outcome.incomplete[-1][1] == ["请上传或选择至少一份佐证材料"]


def test_submit_button_reports_counts_in_messages(client, world, secretary, period, items):
    fill_all(period, world["a1"], secretary, items)
    client.force_login(secretary)
    response = client.post(f"/quarter/{period.pk}/{world['a1'].pk}/submit/", follow=True)
    texts = [str(m) for m in response.context["messages"]]
    assert texts == ["已提交 3 项，等待审核；审核结果会显示在本页。"]
    assert Submission.objects.filter(status="submitted", is_late=False).count() == 3


def test_submitted_item_can_no_longer_be_edited(client, world, secretary, period, items):
    fill_all(period, world["a1"], secretary, items)
    submit_branch(period, world["a1"], by=secretary)
    client.force_login(secretary)
    submission = Submission.objects.get(indicator=items["graded"])
    response = client.post(
        item_url(period, world["a1"], items["graded"]),
        {"narrative": "改", "version": str(submission.version)},
    )
    assert response.context["form"].non_field_errors() == ["此项已提交，不能再修改。"]


def test_copy_previous_quarter_answer_as_starting_point(
    world, secretary, period, previous_period, items
):
    old = Submission.objects.create(
        period=previous_period,
        indicator=items["quantitative"],
        branch=world["a1"],
        unit=world["unit_a"],
        value=Decimal("2"),
        narrative="上季度开展两次主题党日",
        self_score=Decimal("4"),
    )
    submission = copy_previous(
        period, world["a1"], items["quantitative"], by=secretary, read_version=0, previous=old
    )
    assert (submission.value, submission.narrative, submission.self_score) == (
        Decimal("2"),
        "上季度开展两次主题党日",
        Decimal("4"),
    )


def test_item_page_shows_last_quarter_answer(
    client, world, secretary, period, previous_period, items
):
    Submission.objects.create(
        period=previous_period,
        indicator=items["graded"],
        branch=world["a1"],
        unit=world["unit_a"],
        narrative="上季度召开支委会三次",
    )
    client.force_login(secretary)
    body = client.get(item_url(period, world["a1"], items["graded"])).content.decode()
    assert "上季度召开支委会三次" in body
    assert "以此为起点" in body


def test_other_branch_secretary_gets_404_on_board_and_item(client, world, outsider, period, items):
    client.force_login(outsider)
    assert client.get(f"/quarter/{period.pk}/{world['a1'].pk}/").status_code == 404
    assert client.get(item_url(period, world["a1"], items["graded"])).status_code == 404


@pytest.mark.parametrize("actor", ["leader", "unit_admin", "committee"])
def test_only_the_branch_secretary_may_write_its_evidence(
    client, world, request, period, items, actor
):
    client.force_login(request.getfixturevalue(actor))
    response = client.post(
        item_url(period, world["a1"], items["graded"]), {"narrative": "x", "version": "0"}
    )
    assert response.status_code == 403


def test_board_self_score_column_keeps_the_self_score_after_acceptance(
    client, world, secretary, committee, period, items
):
    from assessment.services.review import accept

    fill(
        period, world["a1"], items["graded"], secretary, narrative="已落实", self_score=Decimal("9")
    )
    submit_branch(period, world["a1"], by=secretary)
    submission = Submission.objects.get(indicator=items["graded"])
    accept(submission, by=committee, read_version=submission.version, grade="C")
    client.force_login(secretary)
    html = client.get(f"/quarter/{period.pk}/{world['a1'].pk}/").content.decode()
    row = html[html.index("B1 “三会一课”制度落实") :].split("</tr>")[0]
    assert '<td class="num">9</td>' in row
    assert "审核得分 6" in row
