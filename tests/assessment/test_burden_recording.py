"""为基层减负 and 形式主义预警 wired into the secretary's pages: saves record edit sessions;
the 提交 button checks the branch's signals once committed."""

from assessment.models import EditSession, FormalismSignal, Submission
from tests.assessment.quarter_world import *  # noqa: F403
from tests.assessment.quarter_world import fill, fill_all, item_url
from tests.assessment.signals_world import REPORT


def test_an_autosave_records_the_time_typed(client, world, secretary, period, items):
    client.force_login(secretary)
    url = item_url(period, world["a1"], items["graded"], "autosave/")
    response = client.post(url, {"narrative": "第一稿", "version": "0", "typed_ms": "90000"})
    assert response.status_code == 200
    session = EditSession.objects.get()
    assert (session.by, session.seconds) == (secretary, 90)


def test_a_save_without_typing_time_counts_from_the_save(client, world, secretary, period, items):
    client.force_login(secretary)
    url = item_url(period, world["a1"], items["graded"], "autosave/")
    client.post(url, {"narrative": "第一稿", "version": "0", "typed_ms": "abc"})
    assert list(EditSession.objects.values_list("seconds", flat=True)) == [0]


def test_submitting_checks_the_branchs_signals(
    client, world, secretary, period, items, django_capture_on_commit_callbacks
):
    fill_all(period, world["a1"], secretary, items)
    fill(period, world["a1"], items["graded"], secretary, narrative=REPORT)
    other = Submission.objects.create(
        period=period,
        indicator=items["graded"],
        branch=world["b1"],
        unit=world["b1"].unit,
        status=Submission.Status.SUBMITTED,
        narrative=REPORT,
    )
    client.force_login(secretary)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/quarter/{period.pk}/{world['a1'].pk}/submit/")
    signal = FormalismSignal.objects.get(branch=world["a1"])
    assert (signal.kind, signal.other, signal.similarity) == ("copied_other", other, 1.0)
