import re

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from feedback.models import ContactViewLog, FollowUpCase, Rating
from feedback.services import cases
from feedback.services.ratings import RECEIPT_ALPHABET

pytestmark = pytest.mark.django_db


def post_rating(client, unit, REMOTE_ADDR="127.0.0.1", **data):  # noqa: N803
    payload = {"level": "very_dissatisfied", "comment": "窗口无人", "website": ""}
    payload.update(data)
    url = reverse("feedback:rate_unit", args=[unit.slug])
    return client.post(url, payload, REMOTE_ADDR=REMOTE_ADDR)


def test_unit_index_lists_units_by_category_without_login(client, world, calendar):
    response = client.get(reverse("feedback:unit_index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "经济调节类" in html and "窗口服务类" in html
    assert "省甲厅" in html and "省乙局" in html


def test_unit_index_search_narrows_the_list(client, world, calendar):
    html = client.get(reverse("feedback:unit_index"), {"q": "乙局"}).content.decode()
    assert "省乙局" in html and "省甲厅" not in html


def test_form_has_five_levels_as_labelled_radios_in_a_fieldset(client, unit_a, calendar):
    html = client.get(reverse("feedback:rate_unit", args=["jia"])).content.decode()
    assert "<fieldset" in html and "<legend>总体评价" in html
    for label in ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]:
        assert f">{label}</label>" in html
    assert html.count('type="radio" name="level"') == 5
    assert "服务态度" in html and "担当作为" in html
    assert "我同意该单位和机关工委使用以上联系方式" in html


def test_rating_is_stored_and_redirects_to_the_receipt(client, unit_a, calendar):
    response = post_rating(client, unit_a, level="satisfied", dim_attitude="very_satisfied")
    rating = Rating.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/rate/receipt/{rating.receipt}/?new=1"
    assert (rating.level, rating.score, rating.channel) == ("satisfied", 80, "online")
    assert rating.dimensions.get().level == "very_satisfied"


def test_receipt_is_ten_unambiguous_characters(client, unit_a, calendar):
    post_rating(client, unit_a)
    receipt = Rating.objects.get().receipt
    assert len(receipt) == 10
    assert set(receipt) <= set(RECEIPT_ALPHABET)
    assert not set(receipt) & set("01OIL")


def test_receipt_page_shows_number_and_pending_deadline(client, unit_a, calendar):
    post_rating(client, unit_a)
    rating = Rating.objects.get()
    html = client.get(f"/rate/receipt/{rating.receipt}/?new=1").content.decode()
    assert "评价已提交" in html and rating.receipt in html
    assert "将于" in html and "前答复" in html


def test_receipt_lookup_shows_the_units_reply(client, unit_a, unit_admin, calendar):
    post_rating(client, unit_a, contact_phone="13812345678", contact_consent="on")
    rating = Rating.objects.get()
    cases.reply(rating.case, user=unit_admin, text="已约谈窗口负责人，增设午间值班。")
    response = client.get(reverse("feedback:receipt_lookup"), {"code": rating.receipt.lower()})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "已约谈窗口负责人，增设午间值班。" in html
    assert "13812345678" not in html and "138****5678" not in html


def test_unknown_receipt_explains_next_to_the_field(client, db):
    html = client.get(reverse("feedback:receipt_lookup"), {"code": "ABCDEFGHJK"}).content.decode()
    assert "没有找到这个回执号" in html


def test_honeypot_refuses_with_a_reason_and_stores_nothing(client, unit_a, calendar):
    response = post_rating(client, unit_a, website="http://spam.example")
    assert response.status_code == 400
    assert "提交未被接受" in response.content.decode()
    assert "隐藏项被填写" in response.content.decode()
    assert Rating.objects.count() == 0


def test_missing_level_is_explained_next_to_the_choices(client, unit_a, calendar):
    response = post_rating(client, unit_a, level="")
    assert response.status_code == 200
    assert "请选择一个总体评价等级。" in response.content.decode()
    assert Rating.objects.count() == 0


def test_crafted_posts_are_answered_in_plain_chinese(client, unit_a, calendar):
    long = post_rating(client, unit_a, comment="好" * 501).context["form"]
    unknown = post_rating(client, unit_a, level="xyz").context["form"]
    assert long.errors["comment"] == ["意见建议最多 500 字，现在是 501 字。"]
    assert unknown.errors["level"] == ["请从列出的等级中选择一个总体评价。"]
    assert Rating.objects.count() == 0


def test_phone_must_be_a_mainland_mobile(client, unit_a, calendar):
    response = post_rating(client, unit_a, contact_phone="12345", contact_consent="on")
    assert "请填写 11 位手机号码" in response.content.decode()
    assert Rating.objects.count() == 0


def test_contact_needs_consent(client, unit_a, calendar):
    response = post_rating(client, unit_a, contact_phone="13812345678")
    assert "留下联系方式需要同意" in response.content.decode()
    assert Rating.objects.count() == 0


def test_rate_limit_refuses_with_reason_past_the_limit(client, unit_a, unit_b, settings, calendar):
    settings.FEEDBACK_RATE_LIMIT = 2
    post_rating(client, unit_a)
    post_rating(client, unit_b)
    response = post_rating(client, unit_a)
    assert response.status_code == 429
    assert "提交的评价过多，本次评价未保存" in response.content.decode()
    assert Rating.objects.count() == 2


def test_form_accepts_and_stores_when_the_cache_is_unreachable(client, unit_a, settings, calendar):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6399/0",  # nothing listens here
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    # Django rebuilds its cache handler when CACHES changes (setting_changed).
    response = post_rating(client, unit_a, level="basic")
    assert response.status_code == 302
    assert Rating.objects.get().level == "basic"


def test_ip_is_kept_only_as_a_salted_hash(client, unit_a, calendar):
    post_rating(client, unit_a, REMOTE_ADDR="203.0.113.9")
    rating = Rating.objects.get()
    assert re.fullmatch(r"[0-9a-f]{64}", rating.source_hash)
    assert "203.0.113.9" not in str(Rating.objects.values().get())


def test_bad_rating_opens_a_case_good_rating_does_not(client, unit_a, calendar):
    post_rating(client, unit_a, level="satisfied")
    post_rating(client, unit_a, level="dissatisfied", REMOTE_ADDR="10.1.1.1")
    assert FollowUpCase.objects.count() == 1
    assert FollowUpCase.objects.get().rating.level == "dissatisfied"
    assert ContactViewLog.objects.count() == 0


def test_a_rated_dimension_with_an_unknown_level_is_refused(client, unit_a, calendar):
    response = post_rating(client, unit_a, dim_attitude="excellent")
    assert response.status_code == 200
    assert "请按提示修改标红的项目后再提交。" in response.content.decode()
    assert Rating.objects.count() == 0


def test_a_refused_form_shows_the_dimensions_again(client, unit_a, calendar):
    html = post_rating(client, unit_a, level="").content.decode()
    assert html.count('type="radio" name="dim_attitude"') == 6  # 不评 and the five levels


def test_the_public_form_keeps_no_session(client, unit_a, calendar):
    client.get(reverse("feedback:rate_unit", args=[unit_a.slug]))
    response = post_rating(client, unit_a, level="satisfied")
    assert response.status_code == 302
    assert Session.objects.count() == 0
    assert "sessionid" not in client.cookies


def test_resubmitting_from_the_same_browser_leads_to_the_first_receipt(client, unit_a, calendar):
    post_rating(client, unit_a, level="dissatisfied")
    response = post_rating(client, unit_a, level="dissatisfied")  # Back, then send again
    first, repeat = Rating.objects.order_by("pk")
    assert repeat.duplicate_of == first
    assert response["Location"] == f"/rate/receipt/{first.receipt}/?repeat=1"
    html = client.get(response["Location"]).content.decode()
    assert "您已评价过该单位" in html and "24 小时内再次提交的评价不重复计入" in html
    assert first.receipt in html and repeat.receipt not in html
    assert "不满意" in html and "单位答复" in html and "前答复" in html
    assert "感谢您的认可" not in html
    assert FollowUpCase.objects.count() == 1


def test_same_network_other_browser_gets_its_own_receipt_that_says_it_is_not_counted(
    client, unit_a, calendar
):
    from django.test import Client

    post_rating(Client(), unit_a, level="satisfied")  # a colleague behind the same address
    response = post_rating(client, unit_a, level="dissatisfied")
    first, repeat = Rating.objects.order_by("pk")
    assert response["Location"] == f"/rate/receipt/{repeat.receipt}/?new=1"
    html = client.get(response["Location"]).content.decode()
    assert first.receipt not in html  # another citizen's receipt is never shown
    assert "不重复计入满意度，也不另行安排回访" in html
    assert "感谢您的认可" not in html


def test_a_dissatisfied_rating_without_a_case_is_not_thanked_for_approval(client, unit_a, calendar):
    post_rating(client, unit_a, level="dissatisfied")
    rating = Rating.objects.get()
    rating.case.delete()
    html = client.get(f"/rate/receipt/{rating.receipt}/").content.decode()
    assert "感谢您提出意见" in html and "感谢您的认可" not in html
