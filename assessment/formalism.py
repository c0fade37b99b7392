"""形式主义预警: pure rules for the signals of formalism. No ORM here.

Text similarity works on characters, not words: Chinese has no spaces, so a narrative is
cut into overlapping character trigrams after dropping punctuation and spaces, and two
narratives are compared by the Jaccard index of their trigram sets. Finding candidate
pairs among thousands of narratives uses MinHash signatures (the `datasketch` library)
cut into bands (locality-sensitive hashing); every candidate is then checked with the
exact Jaccard index, so the answer is the same on any database.
"""

import datetime as dt
import difflib
import hashlib
import re
import threading
import zlib

import numpy as np
from datasketch import MinHash

NGRAM = 3
# Narratives shorter than this (after dropping punctuation) say too little to compare.
MIN_CHARS = 30
# Two narratives whose trigram Jaccard index reaches this are "nearly identical". A copy
# with one sentence of five changed scores about 0.7; two reports of the same kind of
# activity written separately score under 0.2 (tests/assessment/test_formalism.py).
COPY_THRESHOLD = 0.5

# MinHash: 128 permutations in 32 bands of 4 rows. A pair at Jaccard 0.5 shares a band
# with probability 1 − (1 − 0.5⁴)³² ≈ 0.87, at 0.55 ≈ 0.95, at 0.6 ≈ 0.99 (a copy with one
# sentence of four changed scores about 0.7: ≈ 0.9998); a pair at 0.2 with probability
# ≈ 0.05, so few candidates need the exact check. The benchmark measures the recall.
NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
SEED = 19
# Candidates whose MinHash estimate is this far under the threshold are not checked exactly:
# at Jaccard 0.5 the estimate's standard deviation is about 0.045, so 0.35 loses nothing.
ESTIMATE_FLOOR = 0.35
# Above this many narratives sharing one band key, candidates are chained, not all paired.
MAX_BUCKET = 40

# A quarter filed in a burst: the branch's first action on the period falls within this
# many days of the deadline (or after it), the window had been open at least BURST_QUIET_DAYS
# by then, and at least BURST_MIN_ITEMS items were filed.
BURST_DAYS = 2
BURST_QUIET_DAYS = 14
BURST_MIN_ITEMS = 5

# Self-scores at full marks on every item for this many periods in a row.
FULL_MARKS_PERIODS = 3


NOT_TEXT = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Letters, digits and CJK characters only, lower-cased: punctuation and layout do not
    make two narratives different."""
    return NOT_TEXT.sub("", (text or "").lower())


def shingles(text: str) -> frozenset:
    t = normalise(text)
    if len(t) < MIN_CHARS:
        return frozenset()
    return frozenset(t[i : i + NGRAM] for i in range(len(t) - NGRAM + 1))


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similarity(text_a: str, text_b: str) -> float:
    return jaccard(shingles(text_a), shingles(text_b))


def is_copy(score: float) -> bool:
    return score >= COPY_THRESHOLD


def digest(text: str) -> str:
    return hashlib.sha1(normalise(text).encode()).hexdigest()


def _crc32(data: bytes) -> int:
    return zlib.crc32(data)


# The permutations are drawn once from the seed; each thread reuses one MinHash, cleared
# between narratives (building one re-reads the permutations, most of its cost).
_SCHEME = "affine32"
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=_SCHEME).permutations
_local = threading.local()


def signature(grams: frozenset):
    """The narrative's MinHash signature (NUM_PERM values), or None for too short a text."""
    if not grams:
        return None
    m = getattr(_local, "minhash", None)
    if m is None:
        m = _local.minhash = MinHash(
            num_perm=NUM_PERM,
            seed=SEED,
            hashfunc=_crc32,
            permutations=_PERMUTATIONS,
            scheme=_SCHEME,
        )
    m.clear()
    m.update_batch([g.encode() for g in grams])
    return m.hashvalues.copy()


# Odd 64-bit multipliers mixing a band's rows and its position into one key.
_MIX = np.random.default_rng(SEED).integers(1, 2**63, size=(BANDS, ROWS), dtype=np.uint64) | 1
_BAND_SALT = np.random.default_rng(SEED + 1).integers(0, 2**63, size=BANDS, dtype=np.uint64)


def band_keys(values) -> list[int]:
    """The signature cut into BANDS keys: two narratives sharing any key are candidates."""
    if values is None:
        return []
    rows = np.asarray(values, dtype=np.uint64).reshape(BANDS, ROWS)
    with np.errstate(over="ignore"):
        keys = (rows * _MIX).sum(axis=1, dtype=np.uint64) ^ _BAND_SALT
    return keys.view(np.int64).tolist()


def band_keys_many(signatures: list) -> list[list[int]]:
    """band_keys of many signatures at once (None gives no keys)."""
    present = [n for n, v in enumerate(signatures) if v is not None]
    out = [[] for _ in signatures]
    if present:
        rows = np.stack([signatures[n] for n in present]).astype(np.uint64)
        rows = rows.reshape(len(present), BANDS, ROWS)
        with np.errstate(over="ignore"):
            keys = (rows * _MIX).sum(axis=2, dtype=np.uint64) ^ _BAND_SALT
        for n, row in zip(present, keys.view(np.int64).tolist(), strict=True):
            out[n] = row
    return out


def bands(grams: frozenset) -> list[int]:
    return band_keys(signature(grams))


def estimated(signatures: dict, pairs) -> dict:
    """{pair: share of equal MinHash values} — an estimate of the Jaccard index, computed for
    all pairs at once, to drop candidates far below the threshold before the exact check."""
    pairs = list(pairs)
    if not pairs:
        return {}
    ids = sorted({pk for pair in pairs for pk in pair})
    index = {pk: n for n, pk in enumerate(ids)}
    matrix = np.stack([signatures[pk] for pk in ids])
    left = np.fromiter((index[a] for a, _b in pairs), dtype=np.int64, count=len(pairs))
    right = np.fromiter((index[b] for _a, b in pairs), dtype=np.int64, count=len(pairs))
    shares = (matrix[left] == matrix[right]).mean(axis=1)
    return dict(zip(pairs, shares.tolist(), strict=True))


def candidate_pairs(keyed: dict) -> set:
    """{id: band keys} → pairs of ids (low, high) sharing at least one band key."""
    buckets = {}
    for ident, keys in keyed.items():
        for position, key in enumerate(keys):
            buckets.setdefault((position, key), []).append(ident)
    pairs = set()
    for members in buckets.values():
        if len(members) < 2:
            continue
        members = sorted(members)
        if len(members) > MAX_BUCKET:
            # Boilerplate filed by many branches: each is paired with the first and its
            # neighbour, which names one branch it matches without comparing every pair.
            pairs.update((members[0], b) for b in members[1:])
            pairs.update(zip(members[1:], members[2:], strict=False))
            continue
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                pairs.add((a, b))
    return pairs


def candidate_pairs_with(subjects: set, keyed: dict) -> set:
    """The pairs of candidate_pairs(keyed) that involve one of the subjects, without building
    every bucket: what one new submission needs."""
    wanted = {}
    for ident in subjects:
        for position, key in enumerate(keyed.get(ident, [])):
            wanted.setdefault((position, key), set()).add(ident)
    pairs = set()
    for ident, keys in keyed.items():
        for position, key in enumerate(keys):
            for subject in wanted.get((position, key), ()):
                if subject != ident:
                    pairs.add((min(subject, ident), max(subject, ident)))
    return pairs


def diff_segments(old: str, new: str) -> list[tuple[str, str]]:
    """The new text cut into ("same" | "new", text) runs against the old one, for
    highlighting what changed; deletions are shown as ("gone", text)."""
    matcher = difflib.SequenceMatcher(None, old or "", new or "", autojunk=False)
    segments = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            segments.append(("same", new[b0:b1]))
        else:
            if a1 > a0:
                segments.append(("gone", old[a0:a1]))
            if b1 > b0:
                segments.append(("new", new[b0:b1]))
    return segments


def is_burst(*, opens_on: dt.date, deadline: dt.date, first_action: dt.date, items: int) -> bool:
    return (
        items >= BURST_MIN_ITEMS
        and first_action >= deadline - dt.timedelta(days=BURST_DAYS)
        and (first_action - opens_on).days >= BURST_QUIET_DAYS
    )


def full_marks_streak(periods: list[tuple[int, int]]) -> bool:
    """periods: (items filed, items self-scored at full marks) for the latest periods, newest
    first. True when the FULL_MARKS_PERIODS latest all exist and are all at full marks."""
    latest = periods[:FULL_MARKS_PERIODS]
    return len(latest) == FULL_MARKS_PERIODS and all(n > 0 and full == n for n, full in latest)
