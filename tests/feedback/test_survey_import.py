"""The third-party survey import (import_survey): bulk, all rows or none, cases and audit."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from feedback.models import CaseLog, FollowUpCase, Rating
from feedback.resources import SurveyRatingResource
from feedback.services.importing import import_survey
from feedback.workdays import add_working_days
from tests.helpers import xlsx_bytes
from units.selectors import scope_of

pytestmark = pytest.mark.django_db
HEADERS = ["单位标识", "评价等级", "评价主体", "评价日期", "意见建议"]
BATCH = "2026年第三方满意度调查"


def survey(rows):
    return SimpleUploadedFile("survey.xlsx", xlsx_bytes(HEADERS, rows))


def survey_rows(count, bad_every=10):
    """Ratings of jia and yi, every `bad_every`-th one 不满意, on days across October."""
    return [
        [
            "jia" if n % 2 else "yi",
            "不满意" if n % bad_every == 0 else "满意",
            "",
            f"2026-10-{n % 28 + 1:02d}",
            "",
        ]
        for n in range(1, count + 1)
    ]


def rating_entries():
    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Rating))


def test_import_stores_every_row_with_its_own_receipt(world, committee, calendar):
    outcome = import_survey(survey(survey_rows(200)), batch=BATCH, user=committee)
    assert (outcome.ok, outcome.new) == (True, 200)
    ratings = list(Rating.objects.all())
    assert len(ratings) == 200
    assert len({r.receipt for r in ratings}) == 200
    assert {(r.channel, r.survey_batch, r.entered_by_id) for r in ratings} == {
        ("survey", BATCH, committee.pk)
    }
    assert {(r.level, r.score) for r in ratings} == {("satisfied", 80), ("dissatisfied", 40)}


def test_import_opens_a_case_for_each_bad_rating_and_no_other(world, committee, calendar):
    import_survey(survey(survey_rows(200)), batch=BATCH, user=committee)
    bad = set(Rating.objects.filter(level="dissatisfied").values_list("pk", flat=True))
    assert len(bad) == 20
    assert set(FollowUpCase.objects.values_list("rating_id", flat=True)) == bad
    logs = list(CaseLog.objects.values_list("case__rating_id", "from_status", "to_status", "note"))
    assert sorted(logs) == sorted((pk, "", "open", "差评自动立案") for pk in bad)


def test_imported_cases_have_the_deadlines_open_case_gives(world, committee, calendar):
    # 2026-09-30 is the eve of the National Day holiday; 2026-10-09 a make-up workday.
    rows = [["jia", "非常不满意", "", day, ""] for day in ("2026-09-30", "2026-10-09")]
    import_survey(survey(rows), batch=BATCH, user=committee)
    dues = FollowUpCase.objects.order_by("opened_on").values_list(
        "opened_on", "reply_due", "rectify_due"
    )
    expected = [
        (day, add_working_days(day, 5), add_working_days(day, 15))
        for day in (datetime.date(2026, 9, 30), datetime.date(2026, 10, 9))
    ]
    assert list(dues) == expected
    assert expected[0][1] == datetime.date(2026, 10, 13)


def test_bad_row_after_stored_batches_stores_nothing_and_names_its_line(
    world, committee, calendar, monkeypatch
):
    # Small batches, so that rows before the bad one are already inserted when it comes.
    monkeypatch.setattr(SurveyRatingResource._meta, "batch_size", 10)
    rows = survey_rows(200)
    rows[149][0] = "nope"  # line 151 of the sheet (the header is line 1)
    outcome = import_survey(survey(rows), batch=BATCH, user=committee)
    assert [(p.line, p.message) for p in outcome.problems] == [
        (151, "“单位标识”中的“nope”不存在。")
    ]
    assert Rating.objects.count() == 0
    assert FollowUpCase.objects.count() == 0
    assert rating_entries().count() == 0


def test_every_bad_row_is_named(world, committee, calendar):
    rows = survey_rows(30)
    rows[0][1] = "很好"
    rows[29][3] = "十月"
    outcome = import_survey(survey(rows), batch=BATCH, user=committee)
    assert [(p.line, p.message) for p in outcome.problems] == [
        (
            2,
            "“评价等级”应为非常满意、满意、基本满意、不满意、非常不满意之一，实际为“很好”。",
        ),
        (31, "“评价日期”应为日期，如 2026-03-02、2026/3/2 或 2026年3月2日，实际为“十月”。"),
    ]
    assert Rating.objects.count() == 0


def test_import_writes_one_audit_entry_for_the_batch(world, committee, calendar):
    import_survey(survey(survey_rows(50)), batch=BATCH, user=committee)
    entry = rating_entries().get()
    assert (entry.action, entry.actor, entry.changes) == (
        LogEntry.Action.CREATE,
        committee,
        {"survey_batch": ["", BATCH]},
    )
    assert entry.additional_data == {"import": "survey", "batch": BATCH, "rows": 50}
    assert entry.object_repr == f"第三方评价导入 50 条：{BATCH}"


def _import_queries(rows, committee):
    with CaptureQueriesContext(connection) as queries:
        assert import_survey(survey(rows), batch=BATCH, user=committee).ok
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "feedback_rating"')]
    return len(queries) - len(inserts), len(inserts)


def test_query_count_does_not_grow_with_rows(world, committee, calendar):
    scope_of(committee)  # the roles are read once, then cached on the user
    other_20, inserts_20 = _import_queries(survey_rows(20), committee)
    other_200, inserts_200 = _import_queries(survey_rows(200), committee)
    assert other_200 == other_20
    # Ratings go in batches: one COPY on PostgreSQL (not among the captured statements), 45
    # ratings an INSERT on SQLite (999 parameters at most).
    assert inserts_20 <= 1
    assert inserts_200 <= 5


def test_a_receipt_collision_draws_new_receipts_and_stores_every_row(
    world, committee, calendar, rate
):
    from unittest import mock

    from feedback.services import ratings as rating_service

    taken = rate(world["unit_a"]).receipt
    draws = iter([taken, *(rating_service.new_receipt() for _n in range(4))])
    with mock.patch.object(rating_service, "new_receipt", side_effect=lambda: next(draws)):
        outcome = import_survey(survey(survey_rows(2)), batch=BATCH, user=committee)
    assert (outcome.ok, outcome.new) == (True, 2)
    assert Rating.objects.filter(survey_batch=BATCH).exclude(receipt=taken).count() == 2
