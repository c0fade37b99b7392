import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from feedback.models import FollowUpCase, Rating
from tests.helpers import confirm_password, xlsx_bytes

pytestmark = pytest.mark.django_db
HEADERS = ["单位标识", "评价等级", "评价主体", "评价日期", "意见建议"]


def upload(rows, name="survey.xlsx"):
    return SimpleUploadedFile(name, xlsx_bytes(HEADERS, rows))


def test_committee_enters_a_phone_rating_with_channel_and_evaluator(
    client, unit_a, committee, calendar
):
    client.force_login(committee)
    response = client.post(
        "/feedback/new/",
        {
            "unit": unit_a.pk,
            "channel": "phone",
            "evaluator_kind": "deputy",
            "level": "dissatisfied",
            "received_on": "2026-09-30",
            "comment": "来电反映审批慢",
            "contact_name": "李四",
            "contact_phone": "13900001111",
        },
    )
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert (rating.channel, rating.evaluator_kind, rating.entered_by) == (
        "phone",
        "deputy",
        committee,
    )
    assert rating.contact_phone_masked == "139****1111"
    assert rating.case.reply_due == datetime.date(2026, 10, 13)


def test_unit_admin_cannot_enter_offline_ratings(client, unit_admin):
    client.force_login(unit_admin)
    assert client.get("/feedback/new/").status_code == 403


def test_survey_import_creates_ratings_on_the_survey_channel(client, world, committee, calendar):
    client.force_login(committee)
    confirm_password(client)
    response = client.post(
        "/feedback/import/",
        {
            "batch": "2026年第三方满意度调查",
            "file": upload(
                [
                    ["jia", "满意", "", "2026-09-01", "总体不错"],
                    ["yi", "非常不满意", "服务对象企业", "2026-09-30", ""],
                ]
            ),
        },
    )
    assert response.status_code == 302
    ratings = Rating.objects.order_by("unit__slug")
    assert [(r.unit.slug, r.level, r.channel, r.evaluator_kind, r.score) for r in ratings] == [
        ("jia", "satisfied", "survey", "citizen", 80),
        ("yi", "very_dissatisfied", "survey", "enterprise", 20),
    ]
    assert ratings[0].survey_batch == "2026年第三方满意度调查"
    assert FollowUpCase.objects.get().reply_due == datetime.date(2026, 10, 13)


def test_survey_import_with_a_bad_row_imports_nothing_and_names_rows(
    client, world, committee, calendar
):
    client.force_login(committee)
    confirm_password(client)
    response = client.post(
        "/feedback/import/",
        {
            "batch": "批次",
            "file": upload(
                [
                    ["jia", "满意", "", "2026-09-01", ""],
                    ["nope", "满意", "", "2026-09-01", ""],
                    ["jia", "很好", "", "2026-09-01", ""],
                ]
            ),
        },
    )
    html = response.content.decode()
    assert "第 3 行" in html and "“单位标识”中的“nope”不存在" in html
    assert "第 4 行" in html and "“评价等级”应为" in html
    assert Rating.objects.count() == 0
    assert FollowUpCase.objects.count() == 0


def test_survey_import_refuses_a_file_without_required_columns(client, world, committee):
    client.force_login(committee)
    confirm_password(client)
    bad = SimpleUploadedFile("s.xlsx", xlsx_bytes(["单位"], [["jia"]]))
    html = client.post("/feedback/import/", {"batch": "b", "file": bad}).content.decode()
    assert "缺少必需的列" in html
