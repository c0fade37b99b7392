"""Backup and restore with every app's data (issue 10 §7): scores, submissions, evidence
files, ratings (with their encrypted contacts), cases, report jobs and files and the audit
log come back identical in an empty database; the log is not doubled by the restore."""

import datetime
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import TestCase

from tests.security.world import build


def ms(rows):
    """The dump keeps times to the millisecond (Django's JSON serialiser)."""
    out = []
    for row in rows:
        row = dict(row)
        for key, value in row.items():
            if isinstance(value, datetime.datetime):
                row[key] = value.replace(microsecond=value.microsecond // 1000 * 1000)
        out.append(row)
    return out


def snapshot():
    from assessment.models import Evidence, PeriodScore, Submission
    from feedback.models import Appeal, FollowUpCase, Rating
    from feedback.privacy import decrypt
    from reports.models import ReportJob

    ratings = list(Rating.objects.order_by("pk"))
    return {
        "scores": ms(PeriodScore.objects.order_by("pk").values()),
        "submissions": ms(Submission.objects.order_by("pk").values()),
        "evidence": [
            (e.pk, e.original_name, e.sha256, e.file.read())
            for e in Evidence.objects.order_by("pk")
        ],
        "ratings": [(r.pk, r.receipt, r.level, r.comment) for r in ratings],
        "contacts": [decrypt(r.contact_phone_encrypted) for r in ratings],
        "cases": ms(FollowUpCase.objects.order_by("pk").values()),
        "appeals": ms(Appeal.objects.order_by("pk").values()),
        "reports": [
            (j.pk, j.status, j.filename, j.file.read() if j.file else b"")
            for j in ReportJob.objects.order_by("pk")
        ],
        "audit": list(
            LogEntry.objects.order_by("pk").values_list("pk", "object_repr", "action", "actor_id")
        ),
    }


@pytest.mark.django_db(transaction=True)
def test_backup_restores_every_apps_data_into_an_empty_database(tmp_path, settings):
    build(TestCase.captureOnCommitCallbacks)
    before = snapshot()
    assert before["scores"] and before["evidence"] and before["reports"][0][3]
    assert any(before["contacts"])
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))

    call_command("flush", "--noinput")
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if path.is_file():
            path.unlink()
    call_command("restore", str(archive))

    after = snapshot()
    for key in before:
        assert after[key] == before[key], key
    # the sequences follow the restored rows: new objects get new keys
    from tests.factories import UnitFactory

    assert UnitFactory().pk > max(row["unit_id"] for row in before["scores"])
    from assessment.models import Evidence

    assert default_storage.exists(Evidence.objects.first().file.name)
