"""Citizen ratings through the API: the anonymous create with the public form's rules, and
ratings and follow-up cases for staff."""

import pytest
from rest_framework.throttling import ScopedRateThrottle

from feedback.models import DimensionRating, FollowUpCase, Level, Moderation, Rating
from feedback.services.ratings import RatingInput, submit_public_rating
from tests.api.conftest import ids

URL = "/api/v1/public-ratings/"


def rate(api, unit, level="satisfied", address="203.0.113.7", **fields):
    return api.post(
        URL, {"unit": unit.slug, "level": level, **fields}, format="json", REMOTE_ADDR=address
    )


def test_anonymous_rating_gets_a_receipt(api, world):
    response = rate(
        api, world["unit_a"], comment="办事很快。", dimensions={"attitude": "satisfied"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    rating = Rating.objects.get()
    assert body == {
        "receipt": rating.receipt,
        "unit": "jia",
        "unit_name": "省甲厅",
        "level": "satisfied",
        "level_label": "满意",
        "received_on": rating.received_on.isoformat(),
        "follow_up": False,
        "reply_due": None,
    }
    assert (rating.channel, rating.comment) == ("online", "办事很快。")
    assert DimensionRating.objects.get().dimension.code == "attitude"


def test_bad_rating_opens_a_follow_up_case(api, world):
    body = rate(api, world["unit_a"], level="dissatisfied", comment="窗口无人。").json()
    case = FollowUpCase.objects.get()
    assert (body["follow_up"], body["reply_due"]) == (True, case.reply_due.isoformat())


def test_filled_honeypot_is_refused_and_nothing_is_stored(api, world):
    response = rate(api, world["unit_a"], website="http://spam.example")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["website"][0].startswith("提交未被接受")
    assert not Rating.objects.exists()


def test_phone_is_checked_like_the_public_form(api, world):
    response = rate(api, world["unit_a"], contact_phone="12345", contact_consent=True)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "contact_phone": ["请填写 11 位手机号码，例如 13812345678；不需要答复可以不填。"]
    }


def test_contact_without_consent_is_refused(api, world):
    response = rate(api, world["unit_a"], contact_name="张三", contact_phone="13812345678")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["contact_consent"]


def test_unknown_dimension_is_a_field_error(api, world):
    response = rate(api, world["unit_a"], dimensions={"speed": "satisfied"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"dimensions": ["没有这些评价维度：speed"]}


def test_inactive_or_unknown_unit_is_a_field_error(api, world):
    world["unit_a"].active = False
    world["unit_a"].save()
    response = rate(api, world["unit_a"])
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["unit"]


def test_second_rating_from_the_same_source_is_kept_as_a_duplicate(api, world):
    rate(api, world["unit_a"])
    rate(api, world["unit_a"], level="very_satisfied")
    first, second = Rating.objects.order_by("pk")
    assert (first.duplicate_of_id, second.duplicate_of_id) == (None, first.pk)


def test_burst_from_one_source_is_flagged_for_moderation(api, world, settings):
    settings.FEEDBACK_BURST_THRESHOLD = 3
    for _i in range(3):
        rate(api, world["unit_a"], level="very_dissatisfied")
    assert set(Rating.objects.values_list("moderation", flat=True)) == {Moderation.PENDING}


def test_service_rate_limit_answers_429(api, world, settings):
    settings.FEEDBACK_RATE_LIMIT = 1
    assert rate(api, world["unit_a"]).status_code == 201
    response = rate(api, world["unit_b"])
    assert response.status_code == 429
    assert response.json()["error"]["message"] == "请求过于频繁，请稍后再试。"
    assert Rating.objects.count() == 1


def test_drf_throttle_answers_429_before_the_service(api, world, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"anon_rating": "2/minute"})
    codes = [rate(api, world["unit_a"]).status_code for _i in range(3)]
    assert codes == [201, 201, 429]
    assert Rating.objects.count() == 2


def test_session_cookie_is_not_needed_nor_used(api, world, secretary):
    api.force_login(secretary)
    assert rate(api, world["unit_a"]).status_code == 201
    assert Rating.objects.get().entered_by is None


# --- staff side ---------------------------------------------------------------------------


@pytest.fixture
def ratings(world):
    made = {}
    for key, unit, level, address in [
        ("a_bad", world["unit_a"], Level.DISSATISFIED, "10.1.0.1"),
        ("a_good", world["unit_a"], Level.SATISFIED, "10.1.0.2"),
        ("b_bad", world["unit_b"], Level.VERY_DISSATISFIED, "10.1.0.3"),
    ]:
        made[key] = submit_public_rating(
            RatingInput(unit=unit, level=level, comment="意见", contact_name="张三",
                        contact_phone="13812345678", contact_consent=True),
            address=address,
        )  # fmt: skip
    return made


def test_unit_admin_lists_only_the_units_ratings_with_masked_contacts(unit_admin, as_user, ratings):
    response = as_user(unit_admin).get("/api/v1/ratings/")
    assert ids(response) == sorted([ratings["a_bad"].pk, ratings["a_good"].pk])
    row = response.json()["results"][0]
    assert (row["contact_name_masked"], row["contact_phone_masked"]) == ("张*", "138****5678")
    assert "contact_phone_encrypted" not in row


@pytest.mark.parametrize("actor", ["secretary", "outsider", "nobody"])
def test_secretaries_see_no_ratings_and_no_cases(request, as_user, ratings, actor):
    client = as_user(request.getfixturevalue(actor))
    assert client.get("/api/v1/ratings/").json()["count"] == 0
    assert client.get("/api/v1/cases/").json()["count"] == 0
    assert client.get(f"/api/v1/ratings/{ratings['a_bad'].pk}/").status_code == 404


def test_ratings_filter_by_level_and_state(leader, as_user, ratings):
    client = as_user(leader)
    assert ids(client.get("/api/v1/ratings/", {"level": "satisfied"})) == [ratings["a_good"].pk]
    assert client.get("/api/v1/ratings/", {"state": "counted"}).json()["count"] == 3
    assert client.get("/api/v1/ratings/", {"state": "duplicate"}).json()["count"] == 0


def test_unit_admin_replies_to_the_units_case(unit_admin, as_user, ratings):
    client = as_user(unit_admin)
    case = ratings["a_bad"].case
    assert ids(client.get("/api/v1/cases/")) == [case.pk]
    response = client.post(f"/api/v1/cases/{case.pk}/reply/", {"text": "已约谈窗口负责人。"})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["reply"]) == (
        "replied",
        "已约谈窗口负责人。",
    )


def test_unit_admin_cannot_see_another_units_case(unit_admin, as_user, ratings):
    case = ratings["b_bad"].case
    response = as_user(unit_admin).post(f"/api/v1/cases/{case.pk}/reply/", {"text": "x"})
    assert response.status_code == 404


def test_leader_cannot_reply(leader, as_user, ratings):
    case = ratings["a_bad"].case
    response = as_user(leader).post(f"/api/v1/cases/{case.pk}/reply/", {"text": "阅"})
    assert response.status_code == 403
    assert FollowUpCase.objects.get(pk=case.pk).status == FollowUpCase.Status.OPEN


def test_case_moves_reply_fix_close(unit_admin, committee, as_user, ratings):
    case = ratings["a_bad"].case
    admin = as_user(unit_admin)
    admin.post(f"/api/v1/cases/{case.pk}/reply/", {"text": "已答复。"})
    admin.post(f"/api/v1/cases/{case.pk}/fix/", {"text": "已增设引导员。"})
    assert admin.post(f"/api/v1/cases/{case.pk}/close/", {}).status_code == 403
    closed = as_user(committee).post(f"/api/v1/cases/{case.pk}/close/", {"note": "回访属实"})
    assert closed.json()["status"] == "closed"


def test_unit_limited_committee_token_cannot_close(
    world, unit_admin, committee, as_user, with_token, ratings
):
    case = ratings["a_bad"].case
    admin = as_user(unit_admin)
    admin.post(f"/api/v1/cases/{case.pk}/reply/", {"text": "已答复。"})
    admin.post(f"/api/v1/cases/{case.pk}/fix/", {"text": "已增设引导员。"})
    limited = with_token(committee, unit=world["unit_a"])
    assert limited.post(f"/api/v1/cases/{case.pk}/close/", {}).status_code == 403
    assert FollowUpCase.objects.get(pk=case.pk).status == FollowUpCase.Status.RECTIFIED


def test_fix_before_reply_is_a_409(unit_admin, as_user, ratings):
    case = ratings["a_bad"].case
    response = as_user(unit_admin).post(f"/api/v1/cases/{case.pk}/fix/", {"text": "x"})
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "不能从“待答复”变为“已整改”。"


def test_cases_filter_by_status(committee, as_user, ratings):
    client = as_user(committee)
    assert client.get("/api/v1/cases/", {"status": "open"}).json()["count"] == 2
    assert client.get("/api/v1/cases/", {"status": "closed"}).json()["count"] == 0


# --- every door the same: the web page and the API reach one service, so they must agree ----

DOOR_ACTIONS = {
    # action: (status the case must be in, form data, status it moves to)
    "reply": (FollowUpCase.Status.OPEN, {"text": "已答复。"}, FollowUpCase.Status.REPLIED),
    "fix": (FollowUpCase.Status.REPLIED, {"text": "已整改。"}, FollowUpCase.Status.RECTIFIED),
    "close": (FollowUpCase.Status.RECTIFIED, {"note": "属实"}, FollowUpCase.Status.CLOSED),
}


def _moved(case, start, target, knock):
    FollowUpCase.objects.filter(pk=case.pk).update(status=start)
    knock()
    return FollowUpCase.objects.get(pk=case.pk).status == target


@pytest.mark.parametrize("action", sorted(DOOR_ACTIONS))
@pytest.mark.parametrize("actor", ["committee", "leader", "unit_admin", "secretary"])
def test_web_and_api_agree_on_who_moves_a_case(request, client, as_user, ratings, actor, action):
    user = request.getfixturevalue(actor)
    case = ratings["a_bad"].case
    start, data, target = DOOR_ACTIONS[action]
    client.force_login(user)
    by_web = _moved(
        case,
        start,
        target,
        lambda: client.post(f"/feedback/cases/{case.pk}/", {"action": action, **data}),
    )
    by_api = _moved(
        case,
        start,
        target,
        lambda: as_user(user).post(f"/api/v1/cases/{case.pk}/{action}/", data),
    )
    expected = {"committee": True, "unit_admin": action != "close"}.get(actor, False)
    assert (by_web, by_api) == (expected, expected)


@pytest.mark.parametrize("actor", ["committee", "leader", "unit_admin", "secretary"])
def test_narrowed_tokens_close_no_case(request, world, with_token, ratings, actor):
    user = request.getfixturevalue(actor)
    case = ratings["a_bad"].case
    FollowUpCase.objects.filter(pk=case.pk).update(status=FollowUpCase.Status.RECTIFIED)
    for client in (with_token(user, read_only=True), with_token(user, unit=world["unit_a"])):
        client.post(f"/api/v1/cases/{case.pk}/close/", {"note": "属实"})
    assert FollowUpCase.objects.get(pk=case.pk).status == FollowUpCase.Status.RECTIFIED


def test_an_unknown_dimension_level_is_a_plain_message_not_python(api, world):
    response = rate(api, world["unit_a"], dimensions={"attitude": "zz"})
    assert response.status_code == 400
    [message] = response.json()["error"]["fields"]["dimensions"]
    assert "ErrorDetail" not in message and "{" not in message
    assert Rating.objects.count() == 0
