import datetime

import pytest

from feedback.models import Level, PublishedFigure
from feedback.services import cases
from feedback.services.publication import publish

pytestmark = pytest.mark.django_db
D1, D2 = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)


@pytest.fixture
def rated(rate, world, unit_admin, settings):
    settings.FEEDBACK_MIN_SAMPLE = 2
    rate(world["unit_a"], Level.SATISFIED, received_on=datetime.date(2026, 5, 1), address="1.1.1.1")
    bad = rate(
        world["unit_a"],
        Level.DISSATISFIED,
        received_on=datetime.date(2026, 5, 2),
        address="1.1.1.2",
        comment="秘密意见内容",
        contact_phone="13812345678",
        contact_consent=True,
    )
    cases.reply(bad.case, user=unit_admin, text="答复")
    return world


def test_publishing_freezes_figures_per_unit(rated, committee):
    publication = publish(user=committee, label="2026年度", date_from=D1, date_to=D2)
    figure = PublishedFigure.objects.get(publication=publication, unit=rated["unit_a"])
    assert (figure.sample, figure.sufficient, figure.reply_rate) == (2, True, 100)
    assert figure.satisfied_share == 50
    empty = PublishedFigure.objects.get(publication=publication, unit=rated["unit_b"])
    assert (empty.sample, empty.score, empty.reply_rate) == (0, None, None)


def test_public_results_page_shows_figures_but_never_comments_or_contacts(client, rated, committee):
    publication = publish(user=committee, label="2026年度", date_from=D1, date_to=D2)
    html = client.get(f"/rate/results/{publication.pk}/").content.decode()
    assert "省甲厅" in html and "100.0%" in html and "50.0%" in html
    assert "秘密意见内容" not in html and "5678" not in html


def test_hidden_figures_are_not_shown(client, rated, committee):
    publication = publish(
        user=committee, label="2026年度", date_from=D1, date_to=D2, show_reply_rate=False
    )
    html = client.get(f"/rate/results/{publication.pk}/").content.decode()
    assert "差评答复率" not in html


def test_withdrawn_publication_is_not_public(client, rated, committee):
    publication = publish(user=committee, label="2026年度", date_from=D1, date_to=D2)
    client.force_login(committee)
    client.post(f"/feedback/publications/{publication.pk}/withdraw/")
    client.logout()
    assert client.get(f"/rate/results/{publication.pk}/").status_code == 404


def test_leader_cannot_publish(client, rated, leader):
    client.force_login(leader)
    response = client.post(
        "/feedback/publications/",
        {"label": "x", "date_from": "2026-01-01", "date_to": "2026-12-31"},
    )
    assert response.status_code == 403


def test_results_page_shows_sample_sizes_and_explains_insufficient_samples(
    client, rated, committee
):
    publication = publish(user=committee, label="2026年度", date_from=D1, date_to=D2)
    html = client.get(f"/rate/results/{publication.pk}/").content.decode()
    row_a = html[html.index("省甲厅") :].split("</tr>")[0]
    row_b = html[html.index("省乙局") :].split("</tr>")[0]
    assert "2 份" in row_a and "0 份" in row_b and "样本不足" in row_b
    assert "“样本不足”：统计区间内有效评价少于 2 份，分值偶然性大" in html
