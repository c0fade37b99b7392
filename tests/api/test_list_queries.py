"""Every list answers in a number of queries that does not grow with its rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessment.models import Submission
from assessment.services.rectification import issue
from feedback.models import Level
from feedback.services.ratings import RatingInput, submit_public_rating
from reports.models import ReportJob
from tests.assessment.quarter_world import fill_all, submitted_world
from tests.factories import BranchFactory, user_with_role
from units.models import Role

LISTS = [
    "/api/v1/units/",
    "/api/v1/branches/",
    "/api/v1/periods/",
    "/api/v1/indicators/",
    "/api/v1/evidence/",
    "/api/v1/submissions/",
    "/api/v1/reviews/?status=submitted",
    "/api/v1/rectifications/",
    "/api/v1/ratings/",
    "/api/v1/cases/",
    "/api/v1/report-jobs/",
]


def add_rows(world, committee, period, plan, items, n):
    """One more branch of unit A with its quarter submitted, a notice, a bad rating and a job."""
    branch = BranchFactory(unit=world["unit_a"], name=f"甲厅第{n + 3}党支部")
    secretary = user_with_role(Role.Kind.SECRETARY, branch=branch, username=f"sec{n}")
    submitted_world(period, branch, secretary, items)
    issue(
        by=committee,
        plan=plan,
        unit=world["unit_a"],
        branch=branch,
        problem=f"问题{n}",
        deadline=timezone.localdate() + dt.timedelta(days=60),
    )
    submit_public_rating(
        RatingInput(unit=world["unit_a"], level=Level.DISSATISFIED), address=f"10.9.0.{n}"
    )
    ReportJob.objects.create(
        key=f"feedback_sheet:{n}",
        kind="feedback_sheet",
        scope="branch",
        period=period,
        branch=branch,
        requested_by=committee,
    )


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.mark.parametrize("url", LISTS)
def test_list_query_count_does_not_grow_with_rows(
    world, committee, secretary, as_user, period, plan, items, url
):
    fill_all(period, world["a1"], secretary, items)
    client = as_user(committee)
    add_rows(world, committee, period, plan, items, 1)
    client.get(url)  # the first request also reads the user's roles
    few = queries(client, url)
    for n in range(2, 5):
        add_rows(world, committee, period, plan, items, n)
    assert Submission.objects.count() == 15
    assert queries(client, url) == few
