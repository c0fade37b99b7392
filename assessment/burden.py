"""为基层减负: pure rules for the burden a branch carries — the week-by-week calendar of
overlapping submission windows, edit sessions turned into minutes, and the items worth
simplifying. No ORM here: selectors feed these functions plain values."""

import datetime as dt
import statistics
from dataclasses import dataclass, field

# A pause longer than this between keystrokes and saves ends an edit session: time away
# from the form is not counted as work.
SESSION_GAP = dt.timedelta(minutes=5)

# An item is a candidate to simplify or retire when branches spend at least this many
# minutes on it (median) and its scores do not tell branches apart: at least this share of
# the scored branches got the same score, over at least this many branches.
HIGH_ITEM_MINUTES = 3.0
SAME_SCORE_SHARE = 0.9
MIN_SCORED_BRANCHES = 5


def asks_reporter(item) -> bool:
    """Does this item ask anything of the reporter? Items the platform measures itself
    (系统取数) count as zero burden."""
    return item.asks_reporter


def estimated_minutes(*, requires_text: bool, requires_number: bool, requires_attachment: bool):
    """A designer's rough estimate of one item's minutes for a secretary: reading the item,
    plus a short narrative, a number and a file to pick. Shown beside what is measured."""
    return 0.5 + 2.0 * requires_text + 0.5 * requires_number + 1.0 * requires_attachment


@dataclass(frozen=True)
class Window:
    """One period's submission window and the items it asks of a branch."""

    kind: str
    label: str
    opens_on: dt.date
    deadline: dt.date
    items: int
    attachments: int = 0

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return self.opens_on <= end and self.deadline >= start


@dataclass
class Week:
    start: dt.date
    windows: list = field(default_factory=list)  # the windows open during the week
    items: int = 0  # items open (asked and not yet due) during the week
    due: int = 0  # items whose deadline falls in the week
    over: bool = False

    @property
    def end(self):
        return self.start + dt.timedelta(days=6)

    @property
    def overlapping(self):
        return len(self.windows) > 1


@dataclass
class Calendar:
    cap: int
    windows: list
    weeks: list

    @property
    def total(self):
        """Items a branch files in the year: every window counted once."""
        return sum(w.items for w in self.windows)

    @property
    def peak(self):
        return max(self.weeks, key=lambda w: (w.items, -w.start.toordinal()), default=None)

    @property
    def over_weeks(self):
        return [w for w in self.weeks if w.over]

    @property
    def over_windows(self):
        return [w for w in self.windows if w.items > self.cap]

    @property
    def flagged(self):
        return bool(self.over_weeks or self.over_windows)

    @property
    def highest(self):
        return max((w.items for w in self.weeks), default=0)

    def overload_spans(self):
        """Consecutive weeks above the cap, as (first week, last week, highest count)."""
        spans, current = [], []
        for week in self.weeks:
            if week.over:
                current.append(week)
            elif current:
                spans.append(current)
                current = []
        if current:
            spans.append(current)
        return [(s[0], s[-1], max(w.items for w in s)) for s in spans]


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def build_calendar(windows: list[Window], *, cap: int, year: int) -> Calendar:
    """Week by week from the first Monday of the year to the week of the last deadline: the
    items open in each week (overlapping windows add up), those due, and whether the week
    asks more than the cap."""
    windows = sorted(windows, key=lambda w: (w.opens_on, w.deadline))
    first = monday(min([dt.date(year, 1, 1), *(w.opens_on for w in windows)]))
    last = max([dt.date(year, 12, 31), *(w.deadline for w in windows)])
    weeks = []
    start = first
    while start <= last:
        end = start + dt.timedelta(days=6)
        open_now = [w for w in windows if w.overlaps(start, end)]
        week = Week(
            start=start,
            windows=open_now,
            items=sum(w.items for w in open_now),
            due=sum(w.items for w in open_now if start <= w.deadline <= end),
        )
        week.over = week.items > cap
        weeks.append(week)
        start = end + dt.timedelta(days=1)
    return Calendar(cap=cap, windows=windows, weeks=weeks)


def continue_session(last_start, last_end, now, typed_for: dt.timedelta | None):
    """An edit session is first keystroke to last save. Given the item's latest session
    (or None) and a save at `now` after `typed_for` of typing, return (start, end) of the
    session this save belongs to and whether it is a new one. A pause over SESSION_GAP
    starts a new session; typing time before the save is capped at SESSION_GAP, so a
    form left open is not counted."""
    if last_end is not None and now - last_end <= SESSION_GAP:
        return last_start, now, False
    typed = min(typed_for or dt.timedelta(0), SESSION_GAP)
    start = now - typed
    if last_end is not None and start < last_end:
        start = last_end
    return start, now, True


def median_minutes(seconds: list[int]) -> float:
    return round(statistics.median(seconds) / 60, 1) if seconds else 0.0


def same_score_share(scores: list) -> float:
    """Share of branches holding the most common score: 1.0 means the item tells no branch
    from another."""
    if not scores:
        return 0.0
    counts = {}
    for s in scores:
        counts[s] = counts.get(s, 0) + 1
    return max(counts.values()) / len(scores)


def is_simplify_candidate(median: float, scores: list) -> bool:
    return (
        median >= HIGH_ITEM_MINUTES
        and len(scores) >= MIN_SCORED_BRANCHES
        and same_score_share(scores) >= SAME_SCORE_SHARE
    )
