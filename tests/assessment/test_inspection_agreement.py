"""Agreement between inspectors: the pure rules, against values worked by hand."""

from decimal import Decimal

import pytest

from assessment.agreement import (
    AgreedRule,
    Rated,
    agreed_score,
    figures,
    icc_1_1,
    leniency,
    moderated,
    report,
    within_tolerance,
)

D = Decimal

# Three items of 10 points, two inspectors each (r1, r2, r3 drawn differently):
#   A: r1 8, r2 10    B: r1 4, r3 6    C: r2 6, r3 6
# As shares: A .8/1.0 (mean .9), B .4/.6 (.5), C .6/.6 (.6); grand mean 4.0/6.
# SSB = 2·(.2333² + .1667² + .0667²) = .17333, MSB = .17333/2 = 13/150
# SSW = .02 + .02 + 0 = .04, MSW = .04/3 = 2/150; n0 = 2
# ICC(1,1) = (MSB − MSW)/(MSB + (n0 − 1)·MSW) = (11/150)/(15/150) = 11/15
TABLE = [
    Rated(1, D(10), {"r1": D(8), "r2": D(10)}, group="belief"),
    Rated(2, D(10), {"r1": D(4), "r3": D(6)}, group="belief"),
    Rated(3, D(10), {"r2": D(6), "r3": D(6)}, group="service"),
]


def test_icc_of_the_hand_worked_table():
    assert figures(TABLE, D("0.2")).icc == pytest.approx(11 / 15)


def test_icc_matches_shrout_and_fleiss_case_1():
    # Shrout & Fleiss (1979), table 2: six targets, four judges; BMS 11.24, WMS 6.26,
    # ICC(1,1) = (11.24 − 6.26)/(11.24 + 3·6.26) = 0.166 (published as .17).
    ratings = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    assert round(icc_1_1(ratings), 3) == 0.166


def test_icc_with_missing_ratings_uses_the_average_group_size():
    # Groups of 3 and 2 and 2 ratings: N = 7, n0 = (7 − 17/7)/2 = 16/7.
    # [1,2,3] mean 2, [4,6] mean 5, [7,7] mean 7; grand 30/7.
    # SSB = 3(2−30/7)² + 2(5−30/7)² + 2(7−30/7)² = 3·256/49 + 2·25/49 + 2·361/49 = 1540/49
    # MSB = 770/49; SSW = 2 + 2 + 0 = 4, MSW = 4/4 = 1
    # ICC = (770/49 − 1)/(770/49 + 9/7) = (721/49)/(833/49) = 721/833
    assert icc_1_1([[1, 2, 3], [4, 6], [7, 7], [9]]) == pytest.approx(721 / 833)


def test_icc_undefined_for_one_item_or_no_variance():
    assert icc_1_1([[1, 2]]) is None
    assert icc_1_1([[5, 5], [5, 5]]) is None


def test_share_within_tolerance_and_mean_absolute_difference():
    tight = figures(TABLE, D("0.1"))
    assert (tight.items, tight.within) == (3, 1)
    assert tight.share_within == pytest.approx(1 / 3)
    assert tight.mean_abs_diff == pytest.approx((0.2 + 0.2 + 0) / 3)
    assert figures(TABLE, D("0.2")).within == 3  # a difference of exactly 2 of 10 is within


def test_within_tolerance_is_inclusive():
    assert within_tolerance([D(8), D(10)], D(10), D("0.2"))
    assert not within_tolerance([D("7.99"), D(10)], D(10), D("0.2"))
    # One grade of 2.79 points is 0.558, to the cent 0.56: B 2.23 and C 1.67 are within.
    assert within_tolerance([D("1.67"), D("2.23")], D("2.79"), D("0.2"))
    assert not within_tolerance([D("1.66"), D("2.23")], D("2.79"), D("0.2"))


def test_agreed_score_rules():
    assert agreed_score([D(8), D(9)]) == D("8.50")
    assert agreed_score([D("8"), D("9"), D("9")]) == D("8.67")
    assert agreed_score([D(8), D(9), D(3)], AgreedRule.MEDIAN) == D("8.00")
    assert agreed_score([D(8), D(9)], AgreedRule.LOWER) == D("8.00")


def test_leniency_is_the_mean_offset_from_the_item_mean():
    offsets = leniency(TABLE)
    assert offsets["r1"].offset == pytest.approx(-0.1)  # −.1 on A, −.1 on B
    assert offsets["r2"].offset == pytest.approx(0.05)  # +.1 on A, 0 on C
    assert offsets["r3"].offset == pytest.approx(0.05)
    assert {r: e.items for r, e in offsets.items()} == {"r1": 2, "r2": 2, "r3": 2}


def test_leniency_measures_from_the_decided_score_when_there_is_one():
    decided = [Rated(1, D(10), {"r1": D(6), "r2": D(10)}, agreed=D(6))]
    offsets = leniency(decided)
    assert offsets["r1"].offset == pytest.approx(0.0)
    assert offsets["r2"].offset == pytest.approx(0.4)


def test_moderation_subtracts_the_offset_within_full_marks():
    result = moderated({"r1": D(8), "r2": D(10)}, D(10), {"r1": -0.1, "r2": 0.15})
    assert result == {"r1": D("9.00"), "r2": D("8.50")}
    assert moderated({"r1": D(1)}, D(10), {"r1": 0.3}) == {"r1": D("0.00")}


def test_report_by_group():
    result = report(TABLE, D("0.1"))
    assert result.by_group["belief"].items == 2
    assert result.by_group["belief"].within == 0
    assert result.by_group["service"].within == 1
    assert result.by_group["service"].icc is None  # one item: no between-item variance
    assert result.overall.within == 1
