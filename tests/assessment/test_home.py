"""Role pages: a unit's standing and comparisons, and what is due and late for a unit."""

from decimal import Decimal as D

import pytest
from django.core.cache import cache

from assessment.scoring import engine
from assessment.selectors import home
from feedback.models import FollowUpCase, Level
from feedback.services.ratings import RatingInput, submit_public_rating
from feedback.workdays import seed_from_library
from tests.assessment import scoring_world
from tests.assessment.quarter_world import *  # noqa: F403
from tests.assessment.quarter_world import submitted_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored():
    w = scoring_world.build()
    engine.recompute_plan(w["plan"])
    return w


def test_unit_standing_counts_all_units_its_category_and_its_group(scored):
    standing = home.unit_standing(scored["q1"], scored["a"])
    assert (standing.row.rank, standing.units) == (1, 3)
    assert (standing.row.category_rank, standing.category_units) == (1, 2)
    assert (standing.row.group_rank, standing.group_units) == (1, 2)
    standing = home.unit_standing(scored["q1"], scored["b"])
    assert (standing.row.rank, standing.category_units, standing.group_units) == (3, 1, None)


def test_branch_is_compared_with_its_unit_and_its_category_per_quarter(scored):
    # a1 93.75 %, a2 57.50 % (unit 甲厅); category 经济调节类 adds c1 75.63 %.
    (line,) = home.branch_trend_against_unit_and_category([scored["q1"]], scored["a1"])
    assert (line.label, line.own, line.unit, line.category) == (
        "第一季度",
        D("93.75"),
        D("75.63"),
        D("75.63"),
    )
    (line,) = home.branch_trend_against_unit_and_category([scored["q1"]], scored["c1"])
    assert (line.own, line.unit, line.category) == (D("75.63"), D("75.63"), D("75.63"))


def test_unit_is_compared_with_its_category_per_quarter_and_standard(scored):
    (line,) = home.unit_trend_against_category([scored["q1"]], scored["a"])
    a_rate = home.unit_standing(scored["q1"], scored["a"]).row.rate
    c_rate = home.unit_standing(scored["q1"], scored["c"]).row.rate
    assert (line.own, line.category) == (a_rate, home.mean([a_rate, c_rate]))
    lines = home.unit_standards_against_category(scored["q1"], scored["a"])
    assert [line.label for line in lines] == [
        "信念坚实",
        "理论扎实",
        "组织夯实",
        "作风务实",
        "纪律压实",
        "服务求实",
    ]


@pytest.fixture
def cases_of_unit_a(world):
    seed_from_library()
    cache.clear()
    for n, address in enumerate(["10.1.0.1", "10.1.0.2", "10.1.0.3"]):
        rating = submit_public_rating(
            RatingInput(unit=world["unit_a"], level=Level.DISSATISFIED, comment=f"第{n}件"),
            address=address,
        )
        if n < 2:  # two cases past their reply deadline
            FollowUpCase.objects.filter(rating=rating).update(reply_due="2020-01-06")


def test_unit_admin_home_lists_whats_due_and_late(
    client, world, secretary, unit_admin, committee, period, items, cases_of_unit_a
):
    from assessment.models import Submission
    from assessment.services.review import return_submission

    submitted_world(period, world["a1"], secretary, items)
    returned = Submission.objects.get(branch=world["a1"], indicator=items["graded"])
    return_submission(returned, by=committee, read_version=returned.version, reason="请补充")
    client.force_login(unit_admin)
    response = client.get("/")
    due = response.context["due"]
    # a1: one returned of three; a2: nothing of three.
    assert (due.missing, due.returned, due.items_late) == (4, 1, 0)
    assert (due.cases_open, due.cases_overdue) == (3, 2)
    html = response.content.decode()
    assert "未报 4 项（其中退回待改 1 项）" in html and "距截止 10 天" in html
    assert "差评回访待答复 3 件" in html and "已超期 2 件" in html
    assert "/feedback/cases/?overdue=1" in html


def test_unit_admin_home_shows_the_units_rank_with_its_period(client, scored):
    from tests.factories import user_with_role
    from units.models import Role

    admin = user_with_role(Role.Kind.UNIT_ADMIN, unit=scored["a"], username="jia_admin")
    client.force_login(admin)
    html = client.get("/").content.decode()
    assert f"{scored['q1']} 排名" in html
    assert "第 1 / 3 名" in html
    assert "经济调节类内 第 1 / 2" in html and "第一协作组内 第 1 / 2" in html
