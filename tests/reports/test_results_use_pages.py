"""结果运用 pages and exports (issue 16 §4): committee staff and leaders read them once the
annual result is published; each .xlsx states the period, the revision and when it was
produced in its title rows, then the columns and the values of
tests/assessment/results_world.py."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from assessment.selectors.score_rows import live_payload
from reports.results_use import REWARD_HEADERS
from tests.assessment.results_world import *  # noqa: F403
from tests.assessment.results_world import score
from tests.factories import UnitFactory

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheet_rows(response, index=0):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.worksheets[index].iter_rows(values_only=True)]


def published_line(results_world):
    snap = results_world["annual"].snapshots.get()
    at = timezone.localtime(snap.created_at).strftime("%Y-%m-%d %H:%M")
    return f"考核节点：2025 年度大考 · 发布版次：第 1 版（{at} 发布）"


def test_committee_and_leader_read_every_use(client, results_world, committee, leader):
    for user in (committee, leader):
        client.force_login(user)
        assert client.get("/results/").url == "/results/2025/awards/"
        page = client.get("/results/2025/awards/")
        text = page.content.decode()
        assert "评先评优候选单位（1 个）" in text
        assert "列入当年负面清单 1 项" in text
        assert "发布版次：第 1 版" in text
        assert "年度等次为“较差”，评先评优须为优秀或良好；当年整改问题逾期未销号 1 个" in text
        rewards = client.get("/results/2025/rewards/").content.decode()
        assert rewards.index("省甲厅") < rewards.index("省乙局") < rewards.index("省丁委")
        cadres = client.get("/results/2025/cadres/")
        assert [
            (c.row.unit_name, c.duty_grade, c.problems.open) for c in cadres.context["cadre_rows"]
        ] == [("省甲厅", None, 2), ("省乙局", None, 0), ("省丙办", None, 0), ("省丁委", None, 1)]


def test_before_publication_the_page_says_so_and_the_export_is_404(
    client, results_world, committee
):
    client.force_login(committee)
    page = client.get("/results/2026/awards/")
    assert page.status_code == 200
    assert "2026 年度考核结果尚未发布" in page.content.decode()
    assert client.get("/results/2026/awards.xlsx").status_code == 404


def test_others_are_refused(client, results_world, committee):
    admin_a = type(committee).objects.get(username="admin_a")
    client.force_login(admin_a)
    for url in ("/results/", "/results/2025/awards/", "/results/2025/cadres.xlsx"):
        assert client.get(url).status_code == 403


def test_awards_export(client, results_world, committee):
    client.force_login(committee)
    rows = sheet_rows(client.get("/results/2025/awards.xlsx"))
    assert rows[0][0] == "评先评优候选名单 · 2025 年度"
    assert rows[1][0] == published_line(results_world)
    assert rows[2][0].startswith("导出时间：")
    assert rows[3] == [
        "序号",
        "单位",
        "分类",
        "综合得分",
        "排名",
        "等次",
        "一票否决",
        "结论",
        "不列入原因",
    ]
    assert rows[4:] == [
        [1, "省甲厅", "经济调节类", 92.5, 1, "优秀", "否", "候选", None],
        [2, "省乙局", "窗口服务类", 85.0, 2, "良好", "否", "不列入", "列入当年负面清单 1 项"],
        [
            3,
            "省丙办",
            "经济调节类",
            81.0,
            3,
            "一般",
            "是",
            "不列入",
            "存在一票否决事项；年度等次为“一般”，评先评优须为优秀或良好",
        ],
        [
            4,
            "省丁委",
            "窗口服务类",
            55.0,
            4,
            "较差",
            "否",
            "不列入",
            "年度等次为“较差”，评先评优须为优秀或良好；当年整改问题逾期未销号 1 个",
        ],
    ]
    flags = sheet_rows(client.get("/results/2025/awards.xlsx"), index=1)
    assert flags[0][0] == "红旗党支部候选 · 2025 年度"
    assert flags[3] == ["序号", "党支部", "单位", "先进季度数", "最近季度总分"]
    assert flags[4:] == []


def test_rewards_export_has_the_performance_office_columns(client, results_world, committee):
    client.force_login(committee)
    rows = sheet_rows(client.get("/results/2025/rewards.xlsx"))
    assert rows[0][0] == "绩效奖励等次名单 · 2025 年度"
    assert rows[1][0] == published_line(results_world)
    assert (
        rows[3]
        == [str(h) for h in REWARD_HEADERS]
        == [
            "序号",
            "单位名称",
            "单位分类",
            "协作组",
            "考核年度",
            "考核等次",
            "综合得分",
            "全省排名",
            "分类内排名",
            "一票否决",
            "备注",
        ]
    )
    assert rows[4:] == [
        [1, "省甲厅", "经济调节类", "—", 2025, "优秀", 92.5, 1, 1, "否", None],
        [2, "省乙局", "窗口服务类", "—", 2025, "良好", 85.0, 2, 1, "否", None],
        [
            3,
            "省丙办",
            "经济调节类",
            "—",
            2025,
            "一般",
            81.0,
            3,
            2,
            "是",
            "一票否决，等次不高于一般",
        ],
        [4, "省丁委", "窗口服务类", "—", 2025, "较差", 55.0, 4, 2, "否", None],
    ]


def test_cadre_reference_export(client, results_world, committee):
    client.force_login(committee)
    rows = sheet_rows(client.get("/results/2025/cadres.xlsx"))
    assert rows[0][0] == "干部考核参考 · 2025 年度"
    assert rows[3] == [
        "序号",
        "单位",
        "分类",
        "综合得分",
        "等次",
        "排名",
        "分类内排名",
        "一票否决",
        "述职评议等次",
        "未销号整改问题",
        "其中逾期",
    ]
    assert rows[4:] == [
        [1, "省甲厅", "经济调节类", 92.5, "优秀", 1, 1, "否", "—", 2, 1],
        [2, "省乙局", "窗口服务类", 85.0, "良好", 2, 1, "否", "—", 0, 0],
        [3, "省丙办", "经济调节类", 81.0, "一般", 3, 2, "是", "—", 0, 0],
        [4, "省丁委", "窗口服务类", 55.0, "较差", 4, 2, "否", "—", 1, 1],
    ]


@pytest.mark.parametrize(
    "url", ["/results/2025/awards/", "/results/2025/rewards/", "/results/2025/cadres/"]
)
def test_pages_keep_their_query_count(client, results_world, committee, url):
    client.force_login(committee)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    annual = results_world["annual"]
    for n in range(6):
        score(annual, UnitFactory(), grade="fair", rank=5 + n)
    snap = annual.snapshots.get()
    snap.data = live_payload(annual)  # the world's frozen revision, rebuilt with more units
    snap.save()
    with CaptureQueriesContext(connection) as second:
        response = client.get(url)
    assert len(response.context["result"].rows) == 10
    assert len(second.captured_queries) == len(first.captured_queries)
