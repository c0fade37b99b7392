import io
import zipfile
from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from assessment.models import Period, PeriodTransition
from reports import services
from reports.models import ReportJob, ReportJobEvent, ReportPart
from units.workflow import TransitionNotAllowed

Kind = ReportJob.Kind
Status = ReportJob.Status


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """Request a report and run what is sent after commit (tasks run inline in tests)."""

    def _ask(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            outcome = services.request_report(**kwargs)
        outcome.job.refresh_from_db()
        return outcome.job

    return _ask


def report_files(settings):
    from pathlib import Path

    root = Path(settings.MEDIA_ROOT) / "reports"
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_a_requested_scorecard_is_rendered_and_stored(scored, committee, ask, settings):
    job = ask(kind=Kind.SCORECARD, period=scored["period"], unit=scored["unit_a"], by=committee)
    assert job.status == Status.DONE
    assert (job.progress_done, job.progress_total, job.attempts) == (1, 1, 1)
    assert job.filename == "2024年第一季度-甲厅-单位考核得分报告.pdf"
    assert job.file.read()[:5] == b"%PDF-"
    assert report_files(settings) == [f"jobs/{job.pk}/scorecard.pdf"]


def test_every_move_writes_an_event(scored, committee, ask):
    job = ask(kind=Kind.BULLETIN, period=scored["period"], by=committee)
    moves = list(ReportJobEvent.objects.filter(job=job).values_list("from_status", "to_status"))
    assert moves == [("", "queued"), ("queued", "running"), ("running", "done")]


def test_a_move_outside_the_map_is_refused(scored, committee):
    job = services.request_report(kind=Kind.BULLETIN, period=scored["period"], by=committee).job
    with pytest.raises(TransitionNotAllowed):
        services.set_job_status(job, Status.DONE)


def test_the_same_request_while_queued_returns_the_existing_job(scored, committee, unit_admin):
    first = services.request_report(
        kind=Kind.SCORECARD, period=scored["period"], unit=scored["unit_a"], by=committee
    )
    second = services.request_report(
        kind=Kind.SCORECARD, period=scored["period"], unit=scored["unit_a"], by=unit_admin
    )
    assert second.job.pk == first.job.pk
    assert (first.created, second.created, second.requeued) == (True, False, False)
    assert ReportJob.objects.count() == 1


def test_asking_again_after_done_rerenders_the_same_job_and_replaces_the_file(
    scored, committee, ask, settings
):
    first = ask(kind=Kind.BULLETIN_XLSX, period=scored["period"], by=committee)
    second = ask(kind=Kind.BULLETIN_XLSX, period=scored["period"], by=committee)
    assert second.pk == first.pk
    assert second.status == Status.DONE
    assert ReportJob.objects.count() == 1
    assert report_files(settings) == [f"jobs/{first.pk}/bulletin_xlsx.xlsx"]
    moves = list(second.events.values_list("to_status", flat=True))
    assert moves == ["queued", "running", "done", "queued", "running", "done"]


def test_a_transient_fault_is_retried_and_then_succeeds(scored, committee, ask):
    real = services.render_scorecard_pdf
    calls = []

    def flaky(period, unit):
        calls.append(unit.pk)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(period, unit)

    with mock.patch.object(services, "render_scorecard_pdf", side_effect=flaky):
        job = ask(kind=Kind.SCORECARD, period=scored["period"], unit=scored["unit_a"], by=committee)
    assert len(calls) == 2
    assert job.status == Status.DONE
    assert job.attempts == 2
    moves = list(job.events.values_list("to_status", flat=True))
    assert moves == ["queued", "running", "queued", "running", "done"]
    retry = job.events.get(from_status="running", to_status="queued")
    assert "OperationalError" in retry.reason


def test_retries_stop_at_the_attempt_cap(scored, committee, ask, settings):
    settings.REPORTS_MAX_ATTEMPTS = 3
    with mock.patch.object(
        services, "render_bulletin_pdf", side_effect=OSError("disk full")
    ) as render:
        job = ask(kind=Kind.BULLETIN, period=scored["period"], by=committee)
    assert render.call_count == 3
    assert job.status == Status.FAILED
    assert job.attempts == 3
    assert "disk full" in job.error


def test_a_programming_error_fails_at_once_without_retrying(scored, committee, ask):
    with mock.patch.object(
        services, "render_bulletin_pdf", side_effect=ValueError("bad template")
    ) as render:
        job = ask(kind=Kind.BULLETIN, period=scored["period"], by=committee)
    assert render.call_count == 1
    assert job.status == Status.FAILED
    assert job.error == "ValueError: bad template"


def test_a_redelivered_message_for_a_done_job_does_nothing(scored, committee, ask):
    job = ask(kind=Kind.BULLETIN, period=scored["period"], by=committee)
    with mock.patch.object(services, "render_bulletin_pdf") as render:
        assert services.run_job(job.pk) == "skipped"
    render.assert_not_called()


def test_a_batch_for_all_units_zips_one_pdf_per_unit(scored, committee, ask):
    job = ask(kind=Kind.SCORECARD_BATCH, period=scored["period"], by=committee)
    assert job.status == Status.DONE
    assert (job.progress_done, job.progress_total) == (2, 2)
    with zipfile.ZipFile(io.BytesIO(job.file.read())) as archive:
        names = sorted(archive.namelist())
        assert names == ["省乙局.pdf", "省甲厅.pdf"]
        assert all(archive.read(n)[:5] == b"%PDF-" for n in names)
    assert job.filename == "2024年第一季度-全部单位考核得分报告.zip"


def test_a_part_that_runs_twice_is_counted_once(
    scored, committee, django_capture_on_commit_callbacks
):
    with mock.patch.object(services, "send_part"):  # parts not sent: run them by hand
        with django_capture_on_commit_callbacks(execute=True):
            job = services.request_report(
                kind=Kind.SCORECARD_BATCH, period=scored["period"], by=committee
            ).job
    first, second = ReportPart.objects.filter(job=job).order_by("pk")
    services.run_part(first.pk)
    services.run_part(first.pk)  # redelivered
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total, job.status) == (1, 2, Status.RUNNING)
    services.run_part(second.pk)
    job.refresh_from_db()
    assert (job.progress_done, job.status) == (2, Status.DONE)
    services.run_part(second.pk)  # once more after the zip: nothing changes
    job.refresh_from_db()
    assert job.events.filter(to_status=Status.DONE).count() == 1


def test_a_failing_part_fails_the_batch_naming_the_unit(scored, committee, ask):
    real = services.render_scorecard_pdf

    def broken_for_b(period, unit):
        if unit.name == "省乙局":
            raise ValueError("chart data missing")
        return real(period, unit)

    with mock.patch.object(services, "render_scorecard_pdf", side_effect=broken_for_b):
        job = ask(kind=Kind.SCORECARD_BATCH, period=scored["period"], by=committee)
    assert job.status == Status.FAILED
    assert "省乙局" in job.error


def test_with_the_broker_down_the_request_succeeds_and_the_sweep_sends_it_later(
    scored, committee, django_capture_on_commit_callbacks, settings
):
    from config.celery import app

    app.conf.task_always_eager = False
    try:
        with mock.patch(
            "reports.tasks.run_report.apply_async", side_effect=BrokerDown("connection refused")
        ):
            with django_capture_on_commit_callbacks(execute=True):
                job = services.request_report(
                    kind=Kind.BULLETIN, period=scored["period"], by=committee
                ).job
        job.refresh_from_db()
        assert (job.status, job.enqueued_at) == (Status.QUEUED, None)
        with mock.patch("reports.tasks.run_report.apply_async") as send:
            assert services.sweep_stale() == {"jobs": 0, "parts": 0}  # not stale yet
            later = timezone.now() + timedelta(minutes=settings.REPORTS_SWEEP_MINUTES + 1)
            assert services.sweep_stale(now=later) == {"jobs": 1, "parts": 0}
        send.assert_called_once_with(args=[job.pk], retry=False)
        job.refresh_from_db()
        assert job.enqueued_at is not None
    finally:
        app.conf.task_always_eager = True


def test_beat_requests_the_reports_of_a_closed_period_once(
    scored, committee, django_capture_on_commit_callbacks
):
    with mock.patch.object(services, "send_job"):
        with django_capture_on_commit_callbacks(execute=True):
            jobs = services.auto_request()
        again = services.auto_request()
    assert sorted(j.kind for j in jobs) == sorted(services.AUTOMATIC_KINDS)
    assert all(j.requested_by is None and j.period == scored["period"] for j in jobs)
    assert again == []


def test_beat_requests_again_after_the_period_is_published(scored, committee):
    period = scored["period"]
    with mock.patch.object(services, "send_job"):
        services.auto_request()
        ReportJob.objects.update(requested_at=timezone.now() - timedelta(days=1))
        Period.objects.filter(pk=period.pk).update(status=Period.Status.PUBLISHED)
        PeriodTransition.objects.create(
            period=period, from_status="closed", to_status="published", by=committee
        )
        assert [p.pk for p in services.periods_due_for_reports()] == [period.pk]


def test_beat_leaves_open_periods_alone(scored, plan):
    from tests.factories import PeriodFactory

    Period.objects.update(status=Period.Status.OPEN)
    PeriodFactory(plan=plan, kind=Period.Kind.Q2)
    assert list(services.periods_due_for_reports()) == []


def test_a_batch_of_feedback_sheets_has_one_pdf_per_branch(scored, committee, ask):
    with mock.patch.object(services, "render_feedback_sheet_pdf", return_value=b"%PDF-1.7 x"):
        job = ask(kind=Kind.FEEDBACK_BATCH, period=scored["period"], by=committee)
    assert (job.status, job.progress_done, job.progress_total) == (Status.DONE, 3, 3)
    with zipfile.ZipFile(io.BytesIO(job.file.read())) as archive:
        assert sorted(archive.namelist()) == [
            "乙局-乙局第一党支部.pdf",
            "甲厅-甲厅第一党支部.pdf",
            "甲厅-甲厅第二党支部.pdf",
        ]
