"""形式主义预警: compute the signals of formalism after a branch submits and for a whole
period in bulk, and dismiss one with a reason. Signals never touch a score.

Both paths build the same findings from the same rules (assessment/formalism.py); a
recomputation updates the rows it found before (by key), removes open ones that no longer
hold and leaves dismissed ones as they were decided.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, F, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from units.errors import ensure
from units.workflow import TransitionNotAllowed

from .. import formalism as rules
from ..models import (
    SIGNAL_TRANSITIONS,
    FormalismSignal,
    Indicator,
    NarrativeFingerprint,
    Period,
    Submission,
    SubmissionEvent,
)
from ..selectors.burden import may_decide_signals, previous_period, recent_periods

Kind = FormalismSignal.Kind
FILED = ~Q(status=Submission.Status.DRAFT)
FULL_MARK_KINDS = [Indicator.Kind.QUANTITATIVE, Indicator.Kind.GRADED, Indicator.Kind.YES_NO]


class SignalError(Exception):
    """A signal action that cannot be done; the message says why, in Chinese."""


@dataclass
class Finding:
    kind: str
    period_id: int
    unit_id: int
    branch_id: int | None
    submission_id: int | None = None
    other_id: int | None = None
    similarity: float | None = None
    evidence: dict = field(default_factory=dict)
    tag: str = ""

    @property
    def key(self):
        return (
            f"{self.kind}:{self.period_id}:{self.branch_id or 0}:"
            f"{self.submission_id or 0}:{self.other_id or 0}:{self.tag}"
        )


def _rows(period, **filters):
    return list(
        Submission.objects.filter(FILED, period=period, branch__isnull=False, **filters).values(
            "pk", "branch_id", "unit_id", "indicator_id", "indicator__code", "narrative"
        )
    )


class Texts:
    """Trigram sets and MinHash signatures of narratives, each computed once per run."""

    def __init__(self):
        self.grams, self.signatures = {}, {}

    def gram(self, pk, text):
        if pk not in self.grams:
            self.grams[pk] = rules.shingles(text)
        return self.grams[pk]

    def signature(self, pk, text):
        if pk not in self.signatures:
            self.signatures[pk] = rules.signature(self.gram(pk, text))
        return self.signatures[pk]


def _fingerprints(period, rows, texts, *, reuse=True) -> dict:
    """{submission id: band keys} for the given rows; stored keys are reused when the text
    has not changed since (reuse), and missing or stale ones are stored."""
    stored = {
        f.submission_id: f
        for f in NarrativeFingerprint.objects.filter(submission_id__in=[r["pk"] for r in rows])
    }
    keyed, todo = {}, []
    for row in rows:
        digest = rules.digest(row["narrative"])
        known = stored.get(row["pk"])
        if reuse and known is not None and known.digest == digest:
            keyed[row["pk"]] = known.bands
        else:
            todo.append((row, digest, known))
    computed = rules.band_keys_many(
        [texts.signature(row["pk"], row["narrative"]) for row, _d, _k in todo]
    )
    fresh, stale = [], []
    for (row, digest, known), keys in zip(todo, computed, strict=True):
        keyed[row["pk"]] = keys
        if known is None:
            fresh.append(
                NarrativeFingerprint(
                    submission_id=row["pk"],
                    period=period,
                    indicator_id=row["indicator_id"],
                    digest=digest,
                    bands=keys,
                )
            )
        elif known.digest != digest:
            known.digest, known.bands = digest, keys
            stale.append(known)
    NarrativeFingerprint.objects.bulk_create(fresh, batch_size=2000, ignore_conflicts=True)
    NarrativeFingerprint.objects.bulk_update(stale, ["digest", "bands"], batch_size=2000)
    return keyed


def _copied_other(period, subjects, texts, *, bulk=False) -> list[Finding]:
    """Narratives nearly identical to another branch's for the same item in the period.
    Candidates come from shared MinHash bands (in bulk, those whose MinHash estimate is far
    below the threshold are dropped), each checked with the exact Jaccard index."""
    keyed = _fingerprints(period, subjects, texts, reuse=not bulk)
    item_of = {r["pk"]: r["indicator_id"] for r in subjects}
    if not bulk:
        # New submissions: the period's other keys are stored (those filed before they were
        # kept, if any, are computed now).
        indicators = set(item_of.values())
        _fingerprints(
            period, _rows(period, indicator_id__in=indicators, fingerprint__isnull=True), texts
        )
        for pk, item_id, keys in NarrativeFingerprint.objects.filter(
            period=period, indicator_id__in=indicators
        ).values_list("submission_id", "indicator_id", "bands"):
            keyed.setdefault(pk, keys)
            item_of.setdefault(pk, item_id)
    by_item = defaultdict(dict)
    for pk, keys in keyed.items():
        if keys:
            by_item[item_of[pk]][pk] = keys
    subject_ids = set(s["pk"] for s in subjects)
    pairs = set()
    for group in by_item.values():
        pairs |= (
            rules.candidate_pairs(group)
            if bulk
            else rules.candidate_pairs_with(subject_ids & group.keys(), group)
        )
    if bulk and pairs:
        estimate = rules.estimated(texts.signatures, pairs)
        pairs = {p for p, share in estimate.items() if share >= rules.ESTIMATE_FLOOR}
    if not pairs:
        return []
    ids = {pk for pair in pairs for pk in pair}
    known = {r["pk"]: r for r in subjects}
    missing = ids - known.keys()
    if missing:
        known.update(
            {
                r["pk"]: r
                for r in Submission.objects.filter(pk__in=missing, branch__isnull=False)
                .filter(FILED)
                .values("pk", "branch_id", "unit_id", "indicator_id", "narrative")
            }
        )
    findings = []
    for a, b in sorted(pairs):
        if a not in known or b not in known or known[a]["branch_id"] == known[b]["branch_id"]:
            continue
        score = rules.jaccard(
            texts.gram(a, known[a]["narrative"]), texts.gram(b, known[b]["narrative"])
        )
        if not rules.is_copy(score):
            continue
        for this, that in ((known[a], known[b]), (known[b], known[a])):
            findings.append(
                Finding(
                    Kind.COPIED_OTHER,
                    period.pk,
                    this["unit_id"],
                    this["branch_id"],
                    this["pk"],
                    other_id=that["pk"],
                    similarity=round(score, 3),
                    evidence={"other_branch_id": that["branch_id"]},
                )
            )
    return findings


def _copied_own(period, subjects, texts) -> list[Finding]:
    """Narratives nearly identical to the branch's own answer for the item last period."""
    before = previous_period(period)
    if before is None or not subjects:
        return []
    previous = {
        (r["branch_id"], r["indicator__code"]): r
        for r in Submission.objects.filter(
            FILED, period=before, branch_id__in={r["branch_id"] for r in subjects}
        ).values("pk", "branch_id", "indicator__code", "narrative")
    }
    findings = []
    for row in subjects:
        old = previous.get((row["branch_id"], row["indicator__code"]))
        if old is None:
            continue
        score = rules.jaccard(
            rules.shingles(old["narrative"]), texts.gram(row["pk"], row["narrative"])
        )
        if rules.is_copy(score):
            findings.append(
                Finding(
                    Kind.COPIED_OWN,
                    period.pk,
                    row["unit_id"],
                    row["branch_id"],
                    row["pk"],
                    other_id=old["pk"],
                    similarity=round(score, 3),
                    evidence={"previous_period": str(before)},
                )
            )
    return findings


def _shared_files(period, branch_ids=None) -> list[Finding]:
    """The same file content (SHA-256) supporting items of different branches."""
    links = Submission.evidence.through.objects.filter(
        submission__period=period, submission__branch__isnull=False
    ).exclude(submission__status=Submission.Status.DRAFT)
    if branch_ids is not None:
        hashes = links.filter(submission__branch_id__in=branch_ids).values("evidence__sha256")
        links = links.filter(evidence__sha256__in=hashes)
    shared = (
        links.values("evidence__sha256")
        .annotate(branches=Count("submission__branch", distinct=True))
        .filter(branches__gt=1)
        .values("evidence__sha256")
    )
    rows = list(
        links.filter(evidence__sha256__in=shared).values(
            "evidence__sha256",
            "evidence__original_name",
            "submission_id",
            "submission__branch_id",
            "submission__unit_id",
            "submission__branch__name",
        )
    )
    by_hash = defaultdict(list)
    for r in rows:
        by_hash[r["evidence__sha256"]].append(r)
    findings = []
    for sha, members in by_hash.items():
        names = sorted({m["submission__branch__name"] for m in members})
        for m in members:
            findings.append(
                Finding(
                    Kind.SHARED_FILE,
                    period.pk,
                    m["submission__unit_id"],
                    m["submission__branch_id"],
                    m["submission_id"],
                    evidence={
                        "file": m["evidence__original_name"],
                        "sha256": sha[:12],
                        "branches": names,
                    },
                    tag=sha[:16],
                )
            )
    return findings


def _bursts(period, branch_ids=None) -> list[Finding]:
    """A quarter filed at the deadline after weeks of nothing: the branch's first action on
    any of the period's items, from the items' own history."""
    events = SubmissionEvent.objects.filter(
        submission__period=period, submission__branch__isnull=False
    )
    if branch_ids is not None:
        events = events.filter(submission__branch_id__in=branch_ids)
    findings = []
    for r in events.values("submission__branch_id", "submission__unit_id").annotate(
        first=Min("at"), last=Max("at"), items=Count("submission", distinct=True)
    ):
        first = timezone.localtime(r["first"]).date()
        if rules.is_burst(
            opens_on=period.opens_on, deadline=period.deadline, first_action=first, items=r["items"]
        ):
            last = timezone.localtime(r["last"])
            findings.append(
                Finding(
                    Kind.BURST,
                    period.pk,
                    r["submission__unit_id"],
                    r["submission__branch_id"],
                    evidence={
                        "opens_on": period.opens_on.isoformat(),
                        "deadline": period.deadline.isoformat(),
                        "first": timezone.localtime(r["first"]).strftime("%Y-%m-%d %H:%M"),
                        "last": last.strftime("%Y-%m-%d %H:%M"),
                        "items": r["items"],
                        "quiet_days": (first - period.opens_on).days,
                    },
                )
            )
    return findings


def _full_marks(period, branch_ids=None) -> list[Finding]:
    """Self-scores at full marks on every scored item for several periods in a row."""
    periods = recent_periods(period, rules.FULL_MARKS_PERIODS)
    if len(periods) < rules.FULL_MARKS_PERIODS:
        return []
    scored = Submission.objects.filter(
        FILED,
        period__in=periods,
        branch__isnull=False,
        indicator__kind__in=FULL_MARK_KINDS,
        indicator__max_score__gt=0,
    )
    if branch_ids is not None:
        scored = scored.filter(branch_id__in=branch_ids)
    table = defaultdict(dict)
    units = {}
    for r in scored.values("branch_id", "unit_id", "period_id").annotate(
        n=Count("pk"), full=Count("pk", filter=Q(self_score__gte=F("indicator__max_score")))
    ):
        table[r["branch_id"]][r["period_id"]] = (r["n"], r["full"])
        units[r["branch_id"]] = r["unit_id"]
    labels = [str(p) for p in periods]
    findings = []
    for branch_id, per in table.items():
        series = [per.get(p.pk, (0, 0)) for p in periods]
        if period.pk in per and rules.full_marks_streak(series):
            findings.append(
                Finding(
                    Kind.FULL_MARKS,
                    period.pk,
                    units[branch_id],
                    branch_id,
                    evidence={"periods": labels, "items": [n for n, _full in series]},
                )
            )
    return findings


def _apply(findings: list[Finding], scope: Q) -> int:
    """Write the findings: new ones created, known ones refreshed, open ones in scope that no
    longer hold removed. Returns how many open signals the scope now holds."""
    by_key = {f.key: f for f in findings}
    existing = {s.key: s for s in FormalismSignal.objects.filter(scope)}
    outside = set(
        FormalismSignal.objects.filter(key__in=list(by_key.keys() - existing.keys())).values_list(
            "key", flat=True
        )
    )
    gone = [
        s.pk
        for key, s in existing.items()
        if key not in by_key and s.status == FormalismSignal.Status.OPEN
    ]
    FormalismSignal.objects.filter(pk__in=gone).delete()
    refresh = []
    for key, s in existing.items():
        f = by_key.get(key)
        if f is not None and (s.similarity, s.evidence) != (f.similarity, f.evidence):
            s.similarity, s.evidence = f.similarity, f.evidence
            refresh.append(s)
    FormalismSignal.objects.bulk_update(refresh, ["similarity", "evidence"], batch_size=2000)
    FormalismSignal.objects.bulk_create(
        [
            FormalismSignal(
                key=f.key,
                kind=f.kind,
                period_id=f.period_id,
                unit_id=f.unit_id,
                branch_id=f.branch_id,
                submission_id=f.submission_id,
                other_id=f.other_id,
                similarity=f.similarity,
                evidence=f.evidence,
            )
            for key, f in by_key.items()
            if key not in existing and key not in outside
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    return FormalismSignal.objects.filter(scope, status=FormalismSignal.Status.OPEN).count()


@transaction.atomic
def compute_period(period: Period) -> int:
    """All five signals for every branch in a period, set-based: the bulk path run for a
    closed period or on demand. Returns the number of open signals."""
    rows = _rows(period)
    texts = Texts()
    findings = (
        _copied_other(period, rows, texts, bulk=True)
        + _copied_own(period, rows, texts)
        + _shared_files(period)
        + _bursts(period)
        + _full_marks(period)
    )
    return _apply(findings, Q(period=period))


@transaction.atomic
def check_submissions(period: Period, branch_id: int, submission_ids=None) -> int:
    """The signals of one branch's newly filed items (all its filed items when no ids are
    given), run after it submits. Returns the branch's open signals in the period."""
    filters = {"branch_id": branch_id}
    if submission_ids is not None:
        filters["pk__in"] = list(submission_ids)
    rows = _rows(period, **filters)
    ids = [r["pk"] for r in rows]
    texts = Texts()
    findings = (
        _copied_other(period, rows, texts)
        + _copied_own(period, rows, texts)
        + _shared_files(period, [branch_id])
        + _bursts(period, [branch_id])
        + _full_marks(period, [branch_id])
    )
    scope = Q(period=period) & (
        Q(submission_id__in=ids)
        | Q(other_id__in=ids, kind=Kind.COPIED_OTHER)
        | Q(branch_id=branch_id, submission__isnull=True)
    )
    # Findings about other branches' items (the other side of a copy, a shared file) are
    # written too, but only this branch's scope is cleaned.
    _apply(findings, scope)
    return FormalismSignal.objects.filter(
        period=period, branch_id=branch_id, status=FormalismSignal.Status.OPEN
    ).count()


def check_submission(submission: Submission) -> int:
    return check_submissions(submission.period, submission.branch_id, [submission.pk])


@transaction.atomic
def dismiss(signal: FormalismSignal, *, by, reason: str) -> FormalismSignal:
    """Staff looked and found nothing wrong: the signal stays, marked dismissed, with why."""
    ensure(may_decide_signals(by), _("只有工委工作人员可以排除预警。"))
    reason = (reason or "").strip()
    if not reason:
        raise SignalError(_("请填写排除理由。"))
    target = FormalismSignal.Status.DISMISSED
    if target not in SIGNAL_TRANSITIONS[signal.status]:
        raise TransitionNotAllowed(_("该预警已排除。"))
    updated = FormalismSignal.objects.filter(pk=signal.pk, status=signal.status).update(
        status=target, dismissed_by=by, dismissed_at=timezone.now(), dismiss_reason=reason
    )
    if not updated:
        raise TransitionNotAllowed(_("该预警已排除。"))
    signal.refresh_from_db()
    return signal
