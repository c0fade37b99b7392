"""Plans, periods, indicator systems, evidence, review and rectification.

Every workflow here (period, submission, rectification) keeps its states as TextChoices,
its allowed moves in a map beside them, and a log model of every move. Only the
transition services assign a status.
"""

from .burden import SIGNAL_TRANSITIONS, EditSession, FormalismSignal, NarrativeFingerprint
from .duty import (
    CONFIRMATION_TRANSITIONS,
    DUTY_TRANSITIONS,
    DutyReport,
    DutyReportTransition,
    PartyConfirmation,
    PartyConfirmationTransition,
)
from .inspection import (
    ROUND_TRANSITIONS,
    VERDICT_TRANSITIONS,
    AssignmentSwap,
    ConflictDeclaration,
    InspectionAssignment,
    InspectionFinding,
    InspectionRound,
    InspectionRoundTransition,
    InspectionVerdict,
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
    RECTIFICATION_TRANSITIONS,
    NegativeListEntry,
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
from .turnaround import TURNAROUND_TRANSITIONS, Turnaround, TurnaroundAction, TurnaroundEvent

__all__ = [
    "CONFIRMATION_TRANSITIONS",
    "DUTY_TRANSITIONS",
    "DutyReport",
    "DutyReportTransition",
    "PartyConfirmation",
    "PartyConfirmationTransition",
    "PERIOD_TRANSITIONS",
    "RECTIFICATION_TRANSITIONS",
    "ROUND_TRANSITIONS",
    "SIGNAL_TRANSITIONS",
    "SUBMISSION_TRANSITIONS",
    "TURNAROUND_TRANSITIONS",
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
    "InspectionFinding",
    "InspectionVerdict",
    "VERDICT_TRANSITIONS",
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
    "Rectification",
    "RectificationEvent",
    "Reminder",
    "RoundInspector",
    "ScoreSnapshot",
    "Standard",
    "Submission",
    "SubmissionEvent",
    "Tier",
    "Turnaround",
    "TurnaroundAction",
    "TurnaroundEvent",
]
