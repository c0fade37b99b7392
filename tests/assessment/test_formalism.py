"""形式主义预警: the pure rules — character trigram similarity for Chinese, bursts, full marks."""

import datetime as dt

from assessment import formalism as rules

REPORT = (
    "本季度支部严格落实“三会一课”制度，召开支部党员大会1次、支委会3次、党小组会6次，书记讲党课1次。"
    "围绕学习贯彻党的二十届三中全会精神，组织集中学习4次，党员撰写心得体会18篇。"
    "开展“我为群众办实事”主题党日活动，走访联系社区困难群众12户，解决实际问题5件。"
    "支部对照问题清单逐项整改，整改完成率100%。"
)
ONE_SENTENCE_CHANGED = REPORT.replace(
    "走访联系社区困难群众12户，解决实际问题5件。", "到结对社区开展政策宣讲，发放宣传资料200余份。"
)
SAME_ACTIVITY_OTHER_BRANCH = (
    "本季度支部开展主题党日活动3次：4月组织党员到企业一线开展服务走访，协调解决企业用工难题；"
    "5月开展志愿服务，清理小区环境；6月联合社区开展反诈宣传，覆盖群众300余人。"
    "支部坚持“三会一课”，按时召开支委会和党小组会，党员参学率95%。"
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
