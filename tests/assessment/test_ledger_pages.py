"""The ledger page and its filters, the notice page with several problems, the problem page,
and the import of problems (all rows or none)."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessment.models import Measure, Problem
from assessment.services import ledger
from assessment.services import rectification as notices
from feedback.models import Level
from feedback.services.ratings import RatingInput, submit_public_rating
from feedback.workdays import seed_from_library
from tests.assessment.quarter_world import *  # noqa: F403
from tests.assessment.quarter_world import pdf, today


def _raise(committee, unit, source, text, **kw):
    return ledger.raise_problem(committee, unit=unit, source=source, description=text, **kw)


@pytest.fixture
def spread(world, committee, graded, quantitative):
    return [
        _raise(committee, world["unit_a"], "audit", "审计问题甲", indicators=[graded]),
        _raise(committee, world["unit_a"], "tour", "巡察问题乙", indicators=[quantitative]),
        _raise(committee, world["unit_b"], "audit", "审计问题丙", indicators=[graded]),
    ]


def _listed(response):
    return sorted(p.description for p in response.context["page"])


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["审计问题丙", "审计问题甲", "巡察问题乙"]),
        ("?source=audit", ["审计问题丙", "审计问题甲"]),
        ("?standard=belief", ["巡察问题乙"]),
        ("?status=answered", ["审计问题甲"]),
        ("?unit={unit_b}", ["审计问题丙"]),
    ],
)
def test_ledger_filters(client, world, committee, unit_admin, spread, query, expected):
    ledger.answer(spread[0], by=unit_admin, text="已整改")
    client.force_login(committee)
    response = client.get("/rectification/" + query.format(unit_b=world["unit_b"].pk))
    assert _listed(response) == expected


def test_a_unit_sees_only_its_own_problems(client, unit_admin, spread):
    client.force_login(unit_admin)
    assert _listed(client.get("/rectification/")) == ["审计问题甲", "巡察问题乙"]
    assert client.get(f"/rectification/problems/{spread[2].pk}/").status_code == 404
    assert client.get(f"/rectification/problems/{spread[0].pk}/").status_code == 200


def test_ledger_page_queries_do_not_grow(
    client, world, committee, spread, django_assert_max_num_queries
):
    client.force_login(committee)
    with django_assert_max_num_queries(18):
        client.get("/rectification/")
    for i in range(40):
        _raise(committee, world["unit_b"], "on_site", f"问题{i}")
    with django_assert_max_num_queries(18):
        response = client.get("/rectification/")
    assert "整改问题 43 个，整改措施 0 条，整改率 —" in response.content.decode()
    assert response.context["report"].total.found == 43


def test_notice_with_three_problems_answered_and_verified_on_its_page(
    client, world, committee, unit_admin, plan
):
    client.force_login(committee)
    client.post(
        "/rectification/new/",
        {
            "unit": world["unit_a"].pk,
            "problem": "问题一\n问题二\n\n问题三",
            "deadline": (today() + dt.timedelta(days=30)).isoformat(),
        },
    )
    (notice,) = notices.Rectification.objects.all()
    problems = list(notice.problems.order_by("pk"))
    assert [p.description for p in problems] == ["问题一", "问题二", "问题三"]
    client.force_login(unit_admin)
    for p in problems:
        response = client.post(
            f"/rectification/problems/{p.pk}/answer/", {"answer": "已整改", "back": "notice"}
        )
        assert response["Location"] == f"/rectification/{notice.pk}/"
    notice.refresh_from_db()
    assert notice.status == "answered"
    assert client.post(f"/rectification/problems/{problems[0].pk}/decide/").status_code == 403
    client.force_login(committee)
    for p in problems:
        client.post(f"/rectification/problems/{p.pk}/decide/", {"action": "verify"})
    notice.refresh_from_db()
    assert notice.status == "verified"
    page = client.get(f"/rectification/{notice.pk}/").content.decode()
    assert page.count("已销号") >= 4


def test_measure_added_on_the_problem_page(client, unit_admin, spread):
    client.force_login(unit_admin)
    client.post(
        f"/rectification/problems/{spread[0].pk}/measures/",
        {
            "description": "建立台账月检制度",
            "owner": "王五",
            "due_on": today().isoformat(),
            "also": [spread[1].pk],
        },
    )
    measure = Measure.objects.get()
    assert set(measure.problems.all()) == {spread[0], spread[1]}
    # Another unit's problem cannot be attached.
    client.post(
        f"/rectification/problems/{spread[0].pk}/measures/",
        {"description": "x", "owner": "y", "due_on": today().isoformat(), "also": [spread[2].pk]},
    )
    assert Measure.objects.count() == 1


def _xlsx(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["单位", "党支部", "问题来源", "问题描述", "严重程度", "相关指标编码"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("问题.xlsx", out.getvalue())


def test_import_all_rows(client, world, committee, graded):
    client.force_login(committee)
    response = client.post(
        "/rectification/import/",
        {
            "file": _xlsx(
                [
                    ["省甲厅", "", "审计发现", "账目问题", "较重", "B1"],
                    ["省乙局", "", "督查发现", "督查问题", "", ""],
                ]
            )
        },
    )
    assert response.status_code == 302
    imported = Problem.objects.order_by("pk")
    assert [(p.source, p.severity, p.working_days) for p in imported] == [
        ("audit", "serious", 20),
        ("supervision", "general", 30),
    ]
    assert list(imported[0].indicators.all()) == [graded]


def test_import_with_one_bad_row_imports_nothing_and_names_the_line(client, world, committee):
    client.force_login(committee)
    response = client.post(
        "/rectification/import/",
        {
            "file": _xlsx(
                [
                    ["省甲厅", "", "审计发现", "账目问题", "", ""],
                    ["省甲厅", "乙局第一党支部", "外星发现", "", "", "ZZ99"],
                ]
            )
        },
    )
    assert Problem.objects.count() == 0
    problems = response.context["outcome"].problems
    assert [p.line for p in problems] == [3]
    message = problems[0].message
    assert message.startswith("“党支部”中的“乙局第一党支部”不是该单位的党支部；“问题来源”应为")
    assert message.endswith(
        "实际为“外星发现”；“问题描述”不能为空；“相关指标编码”中的“ZZ99”不存在。"
    )
    assert "第 3 行" in response.content.decode()


def test_one_upload_names_every_bad_row_whichever_check_refuses_it(client, world, committee):
    client.force_login(committee)
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    book = openpyxl.Workbook()
    book.active.append(["单位", "党支部", "问题来源", "问题描述", "发现日期"])
    book.active.append(["省甲厅", "无此支部", "审计发现", "甲", ""])  # refused reading the row
    book.active.append(["省甲厅", "", "审计发现", "乙", tomorrow])  # refused by the ledger
    out = io.BytesIO()
    book.save(out)
    response = client.post(
        "/rectification/import/", {"file": SimpleUploadedFile("问题.xlsx", out.getvalue())}
    )
    assert [p.line for p in response.context["outcome"].problems] == [2, 3]
    assert Problem.objects.count() == 0


def test_import_template_downloads(client, committee, unit_admin):
    client.force_login(committee)
    response = client.get("/rectification/import/template.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book.active[1]][:4] == ["单位", "党支部", "问题来源", "问题描述"]
    client.force_login(unit_admin)
    assert client.get("/rectification/import/template.xlsx").status_code == 403


def test_measure_done_with_evidence_on_the_problem_page(client, unit_admin, committee, spread):
    measure = ledger.add_measure(
        by=unit_admin,
        problems=[spread[0]],
        description="建立台账月检制度",
        owner="王五",
        due_on=today() - dt.timedelta(days=2),
    )
    client.force_login(unit_admin)
    response = client.post(
        f"/rectification/measures/{measure.pk}/done/",
        {"problem": spread[0].pk, "done_on": today().isoformat(), "files": [pdf("整改台账.pdf")]},
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.done_on == today()
    assert [e.original_name for e in measure.evidence.all()] == ["整改台账.pdf"]
    evidence = measure.evidence.get()
    client.force_login(committee)
    page = client.get(f"/rectification/problems/{spread[0].pk}/").content.decode()
    assert "整改台账.pdf" in page and "逾期完成" in page
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 200
    # Another unit's problem page offers nothing; another unit's measure is not found.
    other = ledger.add_measure(
        by=committee, problems=[spread[2]], description="x", owner="y", due_on=today()
    )
    client.force_login(unit_admin)
    missing = client.post(
        f"/rectification/measures/{other.pk}/done/", {"done_on": today().isoformat()}
    )
    assert missing.status_code == 404


def test_a_problem_from_a_citizen_case_links_to_its_case(client, world, committee):
    seed_from_library()
    rating = submit_public_rating(
        RatingInput(unit=world["unit_a"], level=Level.DISSATISFIED, comment="窗口办事慢"),
        address="10.0.0.9",
    )
    problem = Problem.objects.get(case=rating.case)
    client.force_login(committee)

    response = client.get(f"/rectification/problems/{problem.pk}/")

    assert response.status_code == 200
    assert f'href="/feedback/cases/{rating.case.pk}/"' in response.content.decode()
    assert f"回访件 {rating.receipt}" in response.content.decode()


def test_a_reader_who_may_not_answer_is_told_who_does_and_late_measures_show(
    client, world, committee, unit_admin, spread
):
    problem = spread[0]
    ledger.add_measure(
        by=unit_admin,
        problems=[problem],
        description="逐月核对台账",
        owner="财务委员",
        due_on=today() - dt.timedelta(days=1),
    )
    client.force_login(committee)
    body = client.get(f"/rectification/problems/{problem.pk}/").content.decode()
    assert "已逾期" in body
    assert "整改反馈由省甲厅的单位管理员填写" in body
    client.force_login(unit_admin)
    body = client.get(f"/rectification/problems/{problem.pk}/").content.decode()
    assert "填写整改反馈单" in body
    assert "整改反馈由省甲厅的单位管理员填写" not in body
