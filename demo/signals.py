"""Demo signals of formalism (形式主义预警): each branch's answers made its own, then a
handful of copies planted on purpose — 投资处 copying 规划处's answers, the demo secretary
starting from last quarter's text — one meeting record used by two branches, and one branch
that filed all of Q3 the day before the deadline. Then the signals of Q3 and Q4 are
computed. Idempotent: it plants once, when the evidence demo has filled the open period.
"""

import datetime as dt
import random

from django.utils import timezone

from assessment.models import (
    Evidence,
    FormalismSignal,
    Indicator,
    Period,
    Submission,
    SubmissionEvent,
)
from assessment.selectors.plans import items_for
from assessment.services import signals
from units.models import Branch, Role, User

from .narratives import narrative, one_sentence_changed

COPIER = ("fgw", "投资处党支部")
COPIED = ("fgw", "规划处党支部")
SHARES_A_FILE = ("czt", "预算处党支部")
BURST = ("jyt", "办公室党支部")
OWN_COPY = ("fgw", "办公室党支部")  # the demo secretary: "以此为起点" left as it was


def _branch(key):
    slug, name = key
    return Branch.objects.filter(unit__slug=slug, name=name).select_related("unit").first()


def load():
    period = (
        Period.objects.filter(status=Period.Status.OPEN)
        .select_related("plan")
        .order_by("deadline")
        .first()
    )
    staff = User.objects.filter(username="committee").first()
    if period is None or staff is None or not Submission.objects.filter(period=period).exists():
        return
    if FormalismSignal.objects.exists():
        return
    rng = random.Random(19)
    own = _branch(OWN_COPY)
    # Every branch writes its own answers (the evidence demo gives them one text per standard).
    for submission in Submission.objects.filter(period=period).exclude(branch=own).order_by("pk"):
        Submission.objects.filter(pk=submission.pk).update(narrative=narrative(rng))
    copier, copied = _branch(COPIER), _branch(COPIED)
    if copier and copied:
        sources = Submission.objects.filter(period=period, branch=copied).order_by(
            "indicator__position", "indicator__code"
        )[:3]
        for source in sources:
            Submission.objects.filter(
                period=period, branch=copier, indicator=source.indicator_id
            ).update(narrative=one_sentence_changed(rng, source.narrative))
    sharer = _branch(SHARES_A_FILE)
    if copied and sharer:
        record = Evidence.objects.filter(branch=copied, period=period).first()
        target = (
            Submission.objects.filter(period=period, branch=sharer)
            .exclude(status=Submission.Status.DRAFT)
            .order_by("indicator__position")
            .first()
        )
        if record and target:
            target.evidence.add(record)
    previous = _burst_in_previous_quarter(period, staff, rng)
    signals.compute_period(period)
    if previous is not None:
        signals.compute_period(previous)


def _burst_in_previous_quarter(period, staff, rng):
    """The branch filed every Q3 item the day before the deadline, after weeks of nothing;
    the items wait for review."""
    previous = (
        Period.objects.filter(
            plan=period.plan,
            kind__in=[Period.Kind.Q1, Period.Kind.Q2, Period.Kind.Q3],
            opens_on__lt=period.opens_on,
        )
        .order_by("-opens_on")
        .first()
    )
    branch = _branch(BURST)
    if previous is None or branch is None:
        return None
    day_before = timezone.make_aware(
        dt.datetime.combine(previous.deadline - dt.timedelta(days=1), dt.time(20, 5))
    )
    role = Role.objects.filter(kind=Role.Kind.SECRETARY, branch=branch).select_related("user")
    filer = role.first().user if role.exists() else staff
    for minute, item in enumerate(items_for(previous, category=branch.unit.category)):
        at = day_before + dt.timedelta(minutes=2 * minute)
        submission, created = Submission.objects.get_or_create(
            period=previous,
            indicator=item,
            branch=branch,
            defaults={
                "unit": branch.unit,
                "status": Submission.Status.SUBMITTED,
                "narrative": narrative(rng),
                "self_score": item.max_score if item.kind != Indicator.Kind.BONUS else None,
                "submitted_at": at,
            },
        )
        if created:
            event = SubmissionEvent.objects.create(
                submission=submission, by=filer, action="submit", to_status="submitted"
            )
            SubmissionEvent.objects.filter(pk=event.pk).update(at=at)
    return previous
