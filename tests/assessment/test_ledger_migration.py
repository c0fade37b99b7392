"""The ledger's data migration on a copy of the demo: every notice (with its events), every
negative-list entry and every citizen case is on the ledger afterwards, with its history."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("assessment", "0010_merge_0006_inspection_rounds_0009_merge_20261204_1327")]
AFTER = [("assessment", "0011_problem_ledger_ledger")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    feedback = [n for n in executor.loader.graph.leaf_nodes() if n[0] == "feedback"]
    return executor.loader.project_state(targets + feedback).apps


@pytest.fixture
def back_to_the_latest_schema():
    """The test moves the schema back and forth; every later test needs all of it again."""
    yield
    call_command("migrate", verbosity=0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_the_latest_schema")
def test_demo_notices_entries_and_cases_reach_the_ledger_with_their_history():
    call_command("load_demo", "--quiet")
    _the_demo_ledger_has_every_source()
    old = _migrate(BEFORE)
    Rectification = old.get_model("assessment", "Rectification")
    NegativeListEntry = old.get_model("assessment", "NegativeListEntry")
    FollowUpCase = old.get_model("feedback", "FollowUpCase")
    notice_events = {
        n.pk: list(n.events.order_by("at", "pk").values_list("to_status", "reason"))
        for n in Rectification.objects.all()
    }
    entries = set(NegativeListEntry.objects.values_list("pk", flat=True))
    case_states = dict(FollowUpCase.objects.values_list("pk", "status"))
    assert notice_events and entries and case_states

    new = _migrate(AFTER)
    Problem = new.get_model("assessment", "Problem")
    assert Problem.objects.count() == len(notice_events) + len(entries) + len(case_states)
    renamed = {"issued": "open"}
    for notice_pk, events in notice_events.items():
        problem = Problem.objects.get(notice_id=notice_pk)
        assert list(problem.events.order_by("at", "pk").values_list("to_status", "reason")) == [
            (renamed.get(status, status), reason) for status, reason in events
        ]
    assert (
        set(
            Problem.objects.filter(source="negative_list").values_list(
                "negative_entry_id", flat=True
            )
        )
        == entries
    )
    linked = dict(Problem.objects.filter(source="citizen_case").values_list("case_id", "status"))
    assert set(linked) == set(case_states)
    follows = {
        "open": "open",
        "replied": "open",
        "rectified": "answered",
        "closed": "verified",
        "withdrawn": "withdrawn",
    }
    assert linked == {pk: follows[status] for pk, status in case_states.items()}
    # Every problem has its history, starting when it was found.
    assert not Problem.objects.filter(events__isnull=True).exists()


def _the_demo_ledger_has_every_source():
    from assessment.models import Measure, Problem
    from assessment.selectors.rectification import overdue_q

    assert set(Problem.objects.values_list("source", flat=True)) == set(Problem.Source.values)
    assert Problem.objects.filter(overdue_q()).exists()
    assert Problem.objects.filter(status="reopened").count() == 1
    assert Measure.objects.filter(problems__isnull=False).distinct().count() >= 3
    assert Problem.objects.exclude(notice=None).values("notice").distinct().count() >= 3
