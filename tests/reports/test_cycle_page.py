"""三年结果 says which annual exam its candidate list runs up to (issue 18 §A demo with
every page filled)."""

from django.urls import reverse

from assessment.models import Period


def test_cycle_page_says_which_annual_exam_the_candidates_run_up_to(client, leader, three_years):
    Period.objects.filter(pk=three_years["period"].pk).update(status=Period.Status.PUBLISHED)
    client.force_login(leader)
    page = client.get(reverse("score_cycle", args=[three_years["cycle"].pk])).content.decode()
    assert "依据：截至 2032 年度大考（已发布）" in page
    assert "阶段性名单" not in page
    assert "省甲厅（" in page  # the candidate


def test_before_the_last_exam_the_list_is_provisional(client, leader, three_years):
    Period.objects.filter(pk=three_years["period"].pk).update(status=Period.Status.OPEN)
    client.force_login(leader)
    page = client.get(reverse("score_cycle", args=[three_years["cycle"].pk])).content.decode()
    assert "依据：截至 2031 年度大考（已截止）" in page
    assert "阶段性名单" in page
    assert "已完成年度平均 90.00 分" in page
