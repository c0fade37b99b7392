"""Plans, periods, indicator systems, evidence, review and rectification.

Every workflow here (period, submission, rectification) keeps its states as TextChoices,
its allowed moves in a map beside them, and a log model of every move. Only the
transition services assign a status.
"""

from .burden import SIGNAL_TRANSITIONS, EditSession, FormalismSignal, NarrativeFingerprint
from .inspection import (
    ROUND_TRANSITIONS,
    AssignmentSwap,
    ConflictDeclaration,
    InspectionAssignment,
    InspectionRound,
    InspectionRoundTransition,
    InspectorScore,
    RoundInspector,
)
from .plans import (
    PERIOD_TRANSITIONS,
    AnnualPlan,
    Cycle,
    Goal,
    Indicator,
    IndicatorSystem,
    Period,
    PeriodTransition,
    Phase,
    Standard,
)
from .rectification import (
    ANSWERABLE_PROBLEM_STATES,
    PROBLEM_TRANSITIONS,
    RECTIFICATION_TRANSITIONS,
    Measure,
    NegativeListEntry,
    Problem,
    ProblemEvent,
    Rectification,
    RectificationEvent,
)
from .scores import (
    Grade,
    GradingRule,
    PeriodScore,
    ScoreSnapshot,
    Tier,
)
from .submissions import (
    SUBMISSION_TRANSITIONS,
    Evidence,
    Reminder,
    Submission,
    SubmissionEvent,
)

__all__ = [
    "ANSWERABLE_PROBLEM_STATES",
    "PROBLEM_TRANSITIONS",
    "PERIOD_TRANSITIONS",
    "RECTIFICATION_TRANSITIONS",
    "ROUND_TRANSITIONS",
    "SIGNAL_TRANSITIONS",
    "SUBMISSION_TRANSITIONS",
    "AnnualPlan",
    "AssignmentSwap",
    "ConflictDeclaration",
    "Cycle",
    "EditSession",
    "Evidence",
    "FormalismSignal",
    "Goal",
    "Grade",
    "GradingRule",
    "Indicator",
    "InspectionAssignment",
    "InspectionRound",
    "InspectionRoundTransition",
    "InspectorScore",
    "IndicatorSystem",
    "NarrativeFingerprint",
    "NegativeListEntry",
    "Period",
    "PeriodScore",
    "PeriodTransition",
    "Phase",
    "Measure",
    "Problem",
    "ProblemEvent",
    "Rectification",
    "RectificationEvent",
    "Reminder",
    "RoundInspector",
    "ScoreSnapshot",
    "Standard",
    "Submission",
    "SubmissionEvent",
    "Tier",
]
