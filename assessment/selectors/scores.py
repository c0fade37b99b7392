"""Reads of stored scores, by concern; the names pages and reports import from here.

- ``score_rows``: rows, rankings, revisions, trends (``rows_for``, ``period_ranking``,
  ``unit_score``, ``branch_scores``, ``unit_totals``, ``unit_trend``, ``revisions``, …);
- ``completeness``: expected, submitted and on-time items, live;
- ``indicator_analytics``: how items' scores spread (淘汰机制);
- ``awards``: 红旗党支部 candidates and the three-year result;
- ``scorecards``: a unit's items with how its branches did;
- ``assessment.scoring.explain``: how a unit's score was computed.
"""

from ..scoring.explain import Explanation, ItemLine, Step, unit_score_explanation
from .awards import CycleResult, CycleRow, RedFlag, cycle_result, red_flag_candidates
from .completeness import CompletenessReport, CompletenessRow, completeness
from .indicator_analytics import (
    ANALYTICS_AT_MAX_SHARE,
    ANALYTICS_MIN_SAMPLE,
    ANALYTICS_MIN_SPREAD,
    ItemStats,
    indicator_analytics,
)
from .score_rows import (
    BUCKETS,
    Part,
    ScoreRow,
    Source,
    TrendPoint,
    UnitTotal,
    branch_scores,
    default_period,
    distribution,
    grade_counts,
    live_payload,
    period_ranking,
    revisions,
    row_dict,
    rows_for,
    scored_periods,
    source_of,
    trend_periods,
    unit_score,
    unit_totals,
    unit_trend,
)
from .scorecards import ItemSummary, item_summaries

__all__ = [
    "ANALYTICS_AT_MAX_SHARE",
    "ANALYTICS_MIN_SAMPLE",
    "ANALYTICS_MIN_SPREAD",
    "BUCKETS",
    "CompletenessReport",
    "CompletenessRow",
    "CycleResult",
    "CycleRow",
    "Explanation",
    "ItemLine",
    "ItemStats",
    "ItemSummary",
    "Part",
    "RedFlag",
    "ScoreRow",
    "Source",
    "Step",
    "TrendPoint",
    "UnitTotal",
    "branch_scores",
    "completeness",
    "cycle_result",
    "default_period",
    "distribution",
    "grade_counts",
    "indicator_analytics",
    "item_summaries",
    "live_payload",
    "period_ranking",
    "red_flag_candidates",
    "revisions",
    "row_dict",
    "rows_for",
    "scored_periods",
    "source_of",
    "trend_periods",
    "unit_score",
    "unit_score_explanation",
    "unit_totals",
    "unit_trend",
]
