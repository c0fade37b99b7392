"""Storing a rating: receipts, and what one rating costs in queries."""

import pytest
from django.db import IntegrityError

from feedback.models import Level, Rating
from feedback.services import ratings

pytestmark = pytest.mark.django_db


def test_a_receipt_collision_is_retried_with_a_new_receipt(rate, unit_a, monkeypatch):
    taken = rate(unit_a, address="10.0.0.1").receipt
    receipts = iter([taken, "ABCDEFGHJK"])
    monkeypatch.setattr(ratings, "new_receipt", lambda: next(receipts))
    rating = rate(unit_a, Level.DISSATISFIED, address="10.0.0.2")
    assert rating.receipt == "ABCDEFGHJK"
    assert Rating.objects.get(receipt="ABCDEFGHJK").case.unit == unit_a


def test_an_integrity_error_other_than_a_receipt_collision_stores_nothing(
    rate, unit_a, monkeypatch
):
    def refuse(rating):
        raise IntegrityError("refused")

    monkeypatch.setattr(ratings.cases, "open_case", refuse)
    with pytest.raises(IntegrityError):
        rate(unit_a, Level.DISSATISFIED)
    assert Rating.objects.count() == 0


def test_storing_a_public_rating_takes_four_queries(rate, unit_a, django_assert_num_queries):
    # One duplicate and burst check, the INSERT (no audit entry on creation), and the
    # savepoint pair of its transaction (inside the test's own).
    with django_assert_num_queries(4):
        rate(unit_a, Level.SATISFIED)


def test_a_rating_joining_a_flagged_burst_costs_no_more(rate, unit_a, django_assert_num_queries):
    for _i in range(5):
        rate(unit_a, Level.SATISFIED, address="10.0.3.1")
    with django_assert_num_queries(4):
        rate(unit_a, Level.SATISFIED, address="10.0.3.1")


def test_receipts_span_the_whole_alphabet_from_one_draw(monkeypatch):
    from feedback.services.ratings import RECEIPT_ALPHABET, new_receipt

    draws = iter([0, len(RECEIPT_ALPHABET) ** 10 - 1, 31 + 2])
    monkeypatch.setattr(ratings.secrets, "randbelow", lambda _n: next(draws))
    assert [new_receipt() for _i in range(3)] == ["2222222222", "ZZZZZZZZZZ", "4322222222"]


def test_a_public_rating_writes_no_audit_entry_but_its_moderation_does(rate, unit_a, committee):
    from auditlog.models import LogEntry

    from feedback.models import Moderation

    rating = rate(unit_a, Level.DISSATISFIED)
    entries = LogEntry.objects.get_for_object(rating)
    assert entries.count() == 0
    Rating.objects.filter(pk=rating.pk).update(moderation=Moderation.PENDING)
    ratings.moderate(
        Rating.objects.get(pk=rating.pk),
        user=committee,
        decision=Moderation.CLEARED,
        reason="核实为真实评价",
    )
    assert [e.changes_dict["moderation"] for e in entries] == [["pending", "cleared"]]
