"""Review by committee staff: queue, scoring, return and answer, accept, bulk accept."""

from decimal import Decimal

import pytest
from django.core import mail

from assessment.models import Submission
from assessment.services import review
from assessment.services.submissions import SubmissionError, submit_branch
from tests.assessment.quarter_world import *  # noqa: F403
from tests.assessment.quarter_world import fill, submitted_world


def _sub(indicator):
    return Submission.objects.select_related("indicator", "period__plan").get(indicator=indicator)


@pytest.fixture
def submitted(world, secretary, period, items):
    submitted_world(period, world["a1"], secretary, items)
    return {key: _sub(item) for key, item in items.items()}


def test_grade_shares_are_a100_b80_c60_d40(graded):
    assert [review.graded_score(graded, g) for g in "ABCD"] == [
        Decimal("10.00"),
        Decimal("8.00"),
        Decimal("6.00"),
        Decimal("4.00"),
    ]


def test_accepting_a_graded_item_scores_its_grade(committee, submitted):
    submission = submitted["graded"]
    review.accept(submission, by=committee, read_version=submission.version, grade="B")
    submission.refresh_from_db()
    assert (submission.status, submission.grade, submission.reviewer_score) == (
        "accepted",
        "B",
        Decimal("8.00"),
    )
    event = submission.events.get(action="accept")
    assert event.changes == {"grade": ["", "B"], "reviewer_score": [None, "8.00"]}


def test_graded_item_needs_a_grade_before_accepting(committee, submitted):
    submission = submitted["graded"]
    with pytest.raises(SubmissionError, match="请先评档"):
        review.accept(submission, by=committee, read_version=submission.version)


def test_quantitative_item_takes_the_computed_score(committee, submitted):
    submission = submitted["quantitative"]  # value 3 of target 3, max 6
    assert review.computed_score(submission) == Decimal("6.00")
    review.accept(submission, by=committee, read_version=submission.version)
    submission.refresh_from_db()
    assert submission.reviewer_score == Decimal("6.00")


def test_return_needs_a_reason(committee, submitted):
    submission = submitted["graded"]
    with pytest.raises(SubmissionError, match="退回时请写明原因"):
        review.return_submission(
            submission, by=committee, read_version=submission.version, reason=" "
        )


def test_returned_item_shows_the_reason_and_must_be_answered(
    client, world, secretary, committee, period, items, submitted
):
    submission = submitted["graded"]
    review.return_submission(
        submission, by=committee, read_version=submission.version, reason="缺少第三季度党课记录"
    )
    client.force_login(secretary)
    body = client.get(f"/quarter/{period.pk}/{world['a1'].pk}/").content.decode()
    assert "退回原因：缺少第三季度党课记录" in body
    outcome = submit_branch(period, world["a1"], by=secretary)
    assert outcome.incomplete == [(items["graded"], ["请填写对退回意见的说明"])]
    fill(period, world["a1"], items["graded"], secretary, answer="已补充党课记录")
    outcome = submit_branch(period, world["a1"], by=secretary)
    submission.refresh_from_db()
    assert (submission.status, submission.answer) == ("submitted", "已补充党课记录")
    assert submission.events.last().reason == "已补充党课记录"


def test_return_mails_the_secretary_once(secretary, committee, submitted):
    secretary.email = "a1@example.org"
    secretary.save()
    submission = submitted["graded"]
    with_commit = review.return_submission
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        with_commit(submission, by=committee, read_version=submission.version, reason="请补充")
    assert [m.to for m in mail.outbox] == [["a1@example.org"]]
    assert "请补充" in mail.outbox[0].body


def test_queue_lists_submitted_items_with_filters(client, committee, submitted):
    client.force_login(committee)
    response = client.get("/review/")
    assert [s.indicator.code for s in response.context["rows"]] == ["B1", "B2", "B3"]
    response = client.get("/review/?standard=theory&status=awaiting")
    assert [s.indicator.code for s in response.context["rows"]] == ["B3"]
    response = client.get("/review/?goal=politics&status=awaiting")
    assert [s.indicator.code for s in response.context["rows"]] == ["B2", "B3"]


def test_queue_query_count_does_not_grow(
    client, world, committee, outsider, period, items, submitted, django_assert_max_num_queries
):
    client.force_login(committee)
    client.get("/review/")
    with django_assert_max_num_queries(22):
        response = client.get("/review/")
    assert len(response.context["rows"]) == 3
    submitted_world(period, world["b1"], outsider, items)
    with django_assert_max_num_queries(22):
        response = client.get("/review/")
    assert len(response.context["rows"]) == 6


def test_accept_opens_the_next_item_by_itself(client, committee, submitted):
    client.force_login(committee)
    first, second = submitted["graded"], submitted["quantitative"]
    response = client.post(
        f"/review/{first.pk}/act/?status=awaiting",
        {"action": "accept", "grade": "A", "version": first.version},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/review/?status=awaiting&s={second.pk}"


def test_return_through_the_queue_records_the_reason(client, committee, submitted):
    client.force_login(committee)
    submission = submitted["with_file"]
    client.post(
        f"/review/{submission.pk}/act/",
        {"action": "return", "comment": "附件不清晰", "version": submission.version},
    )
    submission.refresh_from_db()
    assert (submission.status, submission.reviewer_comment) == ("returned", "附件不清晰")


def test_bulk_accept_accepts_items_with_known_scores(client, committee, submitted):
    client.force_login(committee)
    tokens = [f"{s.pk}:{s.version}" for s in submitted.values()]
    response = client.post("/review/bulk-accept/", {"items": tokens}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert messages[0] == "已批量通过 1 项。"
    assert messages[1].startswith("2 项未通过：")
    client.post("/review/bulk-accept/", {"items": tokens[::2], "grade": "A"})
    assert Submission.objects.filter(status="accepted").count() == 3


def test_leader_may_not_score(client, leader, submitted):
    client.force_login(leader)
    submission = submitted["graded"]
    response = client.post(
        f"/review/{submission.pk}/act/",
        {"action": "accept", "grade": "A", "version": submission.version},
    )
    assert response.status_code == 403


def test_secretary_may_not_open_the_queue(client, secretary):
    client.force_login(secretary)
    assert client.get("/review/").status_code == 403


def test_history_shows_every_change_with_before_and_after(
    client, world, secretary, committee, period, items, submitted
):
    submission = submitted["graded"]
    review.accept(submission, by=committee, read_version=submission.version, grade="C")
    review.accept(submission, by=committee, read_version=submission.version, grade="A")
    actions = list(submission.events.values_list("action", flat=True))
    assert actions == ["create", "save", "submit", "accept", "score"]
    assert submission.events.last().changes == {
        "grade": ["C", "A"],
        "reviewer_score": ["6.00", "10.00"],
    }
    client.force_login(secretary)
    body = client.get(f"/quarter/{period.pk}/{world['a1'].pk}/items/{items['graded'].pk}/")
    assert "评档</span>：C → A" in body.content.decode()


def test_queue_title_matches_the_nav_for_a_leader(client, leader, submitted):
    # The leader may not score, but sees every unit: the nav calls the page 审核队列.
    client.force_login(leader)
    response = client.get("/review/")
    html = response.content.decode()
    assert "<h1>审核队列</h1>" in html
    assert "单位审核</h1>" not in html


def test_submit_bar_leaves_once_everything_is_submitted(
    client, world, secretary, period, submitted
):
    client.force_login(secretary)
    body = client.get(f"/quarter/{period.pk}/{world['a1'].pk}/").content.decode()
    assert "submit-bar" not in body
    assert "项草稿或退回待改" not in body


def test_an_item_name_with_quotes_nests_them_in_the_message(client, committee, submitted):
    """“已通过‘第一议题’制度落实”, not “已通过““第一议题”制度落实”” (issue 18 §12)."""
    first = submitted["graded"]
    first.indicator.name = "“第一议题”制度落实"
    first.indicator.save()
    client.force_login(committee)
    response = client.post(
        f"/review/{first.pk}/act/",
        {"action": "accept", "grade": "A", "version": first.version},
        follow=True,
    )
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("已通过“‘第一议题’制度落实”，得分 ")


def test_quoted_turns_inner_double_quotes_single():
    from units.wording import quoted

    assert quoted("“第一议题”制度落实") == "‘第一议题’制度落实"
    assert quoted("三会一课") == "三会一课"


@pytest.mark.parametrize(
    "score, message",
    [
        ("99999999", "请检查评分：审核得分：确认总共不超过 6 个数字."),
        ("999", "得分应在 0 到 6.00 之间。"),
    ],
)
def test_a_refused_score_keeps_the_comment_typed_in_the_queue(
    client, committee, submitted, score, message
):
    client.force_login(committee)
    item = submitted["quantitative"]
    response = client.post(
        f"/review/{item.pk}/act/",
        {"action": "accept", "score": score, "comment": "按台账核实", "version": item.version},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [message]
    form = response.context["review_form"]
    assert (form["score"].value(), form["comment"].value()) == (score, "按台账核实")
    item.refresh_from_db()
    assert item.status == "submitted"
