import pytest
from django.core.management import call_command
from django.db import transaction

from assessment.models import FormalismSignal
from units.models import Branch, CoordinationGroup, Role, Unit, UnitCategory, User


def counts():
    return (
        UnitCategory.objects.count(),
        CoordinationGroup.objects.count(),
        Unit.objects.count(),
        Branch.objects.count(),
        User.objects.count(),
        Role.objects.count(),
    )


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for this module (it takes seconds); each test's own changes
    still roll back, and the demo goes with the module."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", "--quiet")
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_demo_has_the_promised_committee(demo, db):
    assert counts()[:4] == (3, 2, 8, 30)
    assert Branch.objects.exclude(secretary_name="").count() == 30


def test_demo_gives_one_login_per_role(demo, db):
    kinds = dict(
        Role.objects.filter(
            user__username__in=["committee", "leader", "unitadmin", "secretary"]
        ).values_list("user__username", "kind")
    )
    assert kinds == {
        "committee": "committee",
        "leader": "leader",
        "unitadmin": "unit_admin",
        "secretary": "secretary",
    }
    assert User.objects.get(username="secretary").check_password("Demo-2026!")


def test_loading_the_demo_twice_changes_nothing(demo, db):
    first = counts()
    call_command("load_demo", "--quiet")
    assert counts() == first


def test_demo_publishes_results_most_units_can_show_and_scores_earlier_years(demo, db):
    from assessment.models import Cycle
    from assessment.selectors.scores import cycle_result
    from feedback.models import Publication

    figures = Publication.objects.get().figures.all()
    assert sorted(f.unit.slug for f in figures if not f.sufficient) == ["zrzyt", "zzb"]
    result = cycle_result(Cycle.objects.get())
    scored_years = {year for row in result.rows for year, total, _g in row.years if total}
    assert scored_years == {2024, 2025}  # the 2026 annual exam is still ahead
    assert len(result.rows) == 8
    # the candidate list runs up to the published 2025 annual exam and names a unit
    assert (result.as_of.plan.year, result.as_of.kind, result.as_of.status) == (
        2025,
        "annual",
        "published",
    )
    assert result.final is False
    assert [r.unit_name for r in result.candidates] == ["省财政厅", "省市场监督管理局"]


def test_the_demo_shows_each_signal_of_formalism(demo, db):
    kinds = set(FormalismSignal.objects.values_list("kind", flat=True))
    assert kinds == {"copied_own", "copied_other", "shared_file", "burst"}
    copies = FormalismSignal.objects.filter(kind="copied_other").select_related("branch")
    assert {s.branch.name for s in copies} == {"投资处党支部", "规划处党支部"}


def test_demo_has_the_party_roles_and_2025_duty_reports(demo, db):
    from assessment.models import DutyReport
    from assessment.selectors.duty import duty_grades
    from units.selectors import branches_visible_to, scope_of

    secretary = User.objects.get(username="partysecretary")
    member = User.objects.get(username="partymember")
    assert scope_of(secretary).is_party_secretary and secretary.check_password("Demo-2026!")
    assert sorted(b.name for b in branches_visible_to(member)) == ["投资处党支部", "规划处党支部"]
    reports = DutyReport.objects.filter(year=2025)
    assert reports.count() == 8 + 30
    assert sorted(reports.exclude(status="draft").values_list("status", flat=True)) == [
        "graded",
        "submitted",
    ]
    assert duty_grades(2025) == {}  # the graded one is a branch secretary's
    assert reports.get(status="graded").get_grade_display() == "较好"
