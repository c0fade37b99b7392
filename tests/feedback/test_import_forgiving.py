"""Imports are idempotent and forgiving of real files: the same survey imported again adds
nothing and says so, formatted empty rows do not count, a GBK .csv is read, and a rating
date in the future is refused at every door that writes one."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from feedback.models import FollowUpCase, Rating
from feedback.services.importing import import_survey
from tests.feedback.test_survey_import import BATCH, HEADERS, survey, survey_rows
from tests.helpers import confirm_password

pytestmark = pytest.mark.django_db


def test_the_same_survey_imported_again_adds_nothing(world, committee, calendar):
    first = import_survey(survey(survey_rows(30)), batch=BATCH, user=committee)
    assert (first.ok, first.new) == (True, 30)
    counts = (Rating.objects.count(), FollowUpCase.objects.count())
    for batch in (BATCH, "另一个批次名"):
        again = import_survey(survey(survey_rows(30)), batch=batch, user=committee)
        assert (again.new, again.unchanged, again.repeat_of.batch) == (0, 30, BATCH)
    assert (Rating.objects.count(), FollowUpCase.objects.count()) == counts == (30, 3)


def test_the_page_says_the_file_was_imported_before(client, world, committee, calendar):
    client.force_login(committee)
    confirm_password(client)
    for _ in range(2):
        response = client.post(
            "/feedback/import/", {"batch": BATCH, "file": survey(survey_rows(5))}, follow=True
        )
    assert Rating.objects.count() == 5
    assert "本次未新增任何评价，也未新开回访" in response.content.decode()


def test_different_rows_are_a_new_import(world, committee, calendar):
    import_survey(survey(survey_rows(5)), batch=BATCH, user=committee)
    outcome = import_survey(survey(survey_rows(6)), batch=BATCH, user=committee)
    assert (outcome.new, Rating.objects.count()) == (6, 11)


def test_formatted_empty_rows_do_not_count_toward_the_limit(world, committee, calendar):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in survey_rows(8):
        sheet.append(row)
    for line in range(10, 25_001):  # 24,991 rows only formatted, as some programs save
        sheet.cell(row=line, column=1).font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    outcome = import_survey(
        SimpleUploadedFile("survey.xlsx", buffer.getvalue()), batch=BATCH, user=committee
    )
    assert (outcome.ok, outcome.new) == (True, 8)


def csv_upload(text, encoding):
    return SimpleUploadedFile("survey.csv", text.encode(encoding))


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_a_chinese_csv_is_read_in_any_common_encoding(world, committee, calendar, encoding):
    text = ",".join(HEADERS) + "\njia,满意,群众,2026-10-01,办事方便\nyi,不满意,,2026-10-02,\n"
    outcome = import_survey(csv_upload(text, encoding), batch=BATCH, user=committee)
    assert (outcome.ok, outcome.new) == (True, 2)
    assert sorted(Rating.objects.values_list("comment", flat=True)) == ["", "办事方便"]


def test_an_undecodable_csv_says_how_to_save_it_as_utf8(client, world, committee):
    client.force_login(committee)
    confirm_password(client)
    bad = SimpleUploadedFile("survey.csv", b"\xff\xfe\x00\x81\x30\x81\xff")
    html = client.post("/feedback/import/", {"batch": "b", "file": bad}).content.decode()
    assert "CSV UTF-8（逗号分隔）" in html
    assert Rating.objects.count() == 0


def test_a_survey_row_dated_in_the_future_is_refused(world, committee, calendar):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    rows = survey_rows(2)
    rows[1][3] = tomorrow.isoformat()
    outcome = import_survey(survey(rows), batch=BATCH, user=committee)
    assert [(p.line, p.message) for p in outcome.problems] == [
        (3, f"评价日期：不能晚于今天（{tomorrow.isoformat()} 是未来的日期）。")
    ]
    assert Rating.objects.count() == 0


def test_the_offline_entry_page_refuses_a_future_date(client, unit_a, committee, calendar):
    client.force_login(committee)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        "/feedback/new/",
        {
            "unit": unit_a.pk,
            "channel": "phone",
            "evaluator_kind": "citizen",
            "level": "satisfied",
            "received_on": tomorrow.isoformat(),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["received_on"] == [
        f"不能晚于今天（{tomorrow.isoformat()} 是未来的日期）。"
    ]
    assert Rating.objects.count() == 0


@pytest.mark.parametrize("typed", ["1999-01-01", "0001-01-01"])
def test_a_survey_row_dated_before_the_creation_is_refused(world, committee, calendar, typed):
    earliest = datetime.date(timezone.localdate().year - 3, 1, 1)
    rows = survey_rows(2)
    rows[0][3] = typed
    outcome = import_survey(survey(rows), batch=BATCH, user=committee)
    assert [(p.line, p.message) for p in outcome.problems] == [
        (2, f"评价日期：不能早于 {earliest.isoformat()}（{typed} 不在创建期内）。")
    ]
    assert Rating.objects.count() == 0


def test_the_page_counts_the_cases_it_opened(client, world, committee, calendar):
    client.force_login(committee)
    confirm_password(client)
    response = client.post(
        "/feedback/import/", {"batch": BATCH, "file": survey(survey_rows(30))}, follow=True
    )
    opened = FollowUpCase.objects.count()
    assert opened == 3
    assert [str(m) for m in response.context["messages"]] == [
        "导入完成：新增 30 条评价，其中 3 条差评已自动立案回访。"
    ]


def test_a_survey_without_bad_ratings_opens_no_case_and_says_so(client, world, committee, calendar):
    client.force_login(committee)
    confirm_password(client)
    text = ",".join(HEADERS) + "\njia,满意,群众,2026-10-01,办事方便\n"
    response = client.post(
        "/feedback/import/", {"batch": BATCH, "file": csv_upload(text, "utf-8")}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "导入完成：新增 1 条评价，没有需要回访的差评。"
    ]
    assert FollowUpCase.objects.count() == 0
