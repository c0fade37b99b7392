"""形式主义预警: the pure rules — character trigram similarity for Chinese, bursts, full marks."""

import datetime as dt

from assessment import formalism as rules
from tests.assessment.signals_world import (
    ONE_SENTENCE_CHANGED,
    REPORT,
    SAME_ACTIVITY_OTHER_BRANCH,
)


def test_a_copy_with_one_sentence_changed_is_nearly_identical():
    score = rules.similarity(REPORT, ONE_SENTENCE_CHANGED)
    assert round(score, 2) == 0.70
    assert rules.is_copy(score)


def test_two_genuinely_different_reports_of_the_same_activity_are_not():
    score = rules.similarity(REPORT, SAME_ACTIVITY_OTHER_BRANCH)
    assert round(score, 2) == 0.06
    assert not rules.is_copy(score)


def test_punctuation_and_spaces_do_not_make_a_copy_different():
    assert rules.similarity(REPORT, REPORT.replace("，", " , ").replace("。", "\n")) == 1.0


def test_short_answers_are_not_compared():
    assert rules.similarity("已按要求完成。", "已按要求完成。") == 0.0


def test_copies_share_a_minhash_band_and_different_reports_do_not():
    keys = {
        "copy": rules.bands(rules.shingles(ONE_SENTENCE_CHANGED)),
        "original": rules.bands(rules.shingles(REPORT)),
        "other": rules.bands(rules.shingles(SAME_ACTIVITY_OTHER_BRANCH)),
    }
    assert len(keys["copy"]) == rules.BANDS
    assert rules.candidate_pairs(keys) == {("copy", "original")}


def test_the_bands_are_the_same_on_every_run():
    assert rules.bands(rules.shingles(REPORT)) == rules.bands(rules.shingles(REPORT))


def test_the_differences_are_highlighted():
    segments = rules.diff_segments("支部召开会议3次。走访群众。", "支部召开会议3次。宣讲政策。")
    assert segments == [
        ("same", "支部召开会议3次。"),
        ("gone", "走访群众"),
        ("new", "宣讲政策"),
        ("same", "。"),
    ]


def test_a_burst_is_a_late_first_action_after_weeks_of_quiet():
    opens, deadline = dt.date(2026, 3, 15), dt.date(2026, 4, 10)
    assert rules.is_burst(
        opens_on=opens, deadline=deadline, first_action=dt.date(2026, 4, 9), items=12
    )
    assert not rules.is_burst(
        opens_on=opens, deadline=deadline, first_action=dt.date(2026, 4, 1), items=12
    )
    assert not rules.is_burst(
        opens_on=opens, deadline=deadline, first_action=dt.date(2026, 4, 9), items=2
    )


def test_full_marks_need_every_item_for_three_periods():
    assert rules.full_marks_streak([(12, 12), (12, 12), (12, 12)])
    assert not rules.full_marks_streak([(12, 12), (12, 11), (12, 12)])
    assert not rules.full_marks_streak([(12, 12), (12, 12)])


def test_many_identical_narratives_are_chained_not_all_paired():
    keys = {n: [1, 2] for n in range(100)}
    pairs = rules.candidate_pairs(keys)
    assert len(pairs) == 99 + 98  # each to the first, each to its neighbour
    assert {b for _a, b in pairs} == set(range(1, 100))


def test_band_keys_of_many_signatures_are_those_of_each():
    sigs = [rules.signature(rules.shingles(t)) for t in (REPORT, "短", ONE_SENTENCE_CHANGED)]
    assert rules.band_keys_many(sigs) == [rules.band_keys(s) for s in sigs]
    assert rules.band_keys_many(sigs)[1] == []


def test_the_pairs_of_one_subject_are_those_of_all_pairs_that_involve_it():
    texts = [REPORT, ONE_SENTENCE_CHANGED, SAME_ACTIVITY_OTHER_BRANCH, REPORT + "。"]
    keyed = {n: rules.bands(rules.shingles(t)) for n, t in enumerate(texts)}
    everyone = rules.candidate_pairs(keyed)
    assert (
        rules.candidate_pairs_with({1}, keyed)
        == {p for p in everyone if 1 in p}
        == {
            (0, 1),
            (1, 3),
        }
    )
