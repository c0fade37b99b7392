"""Abuse controls for the public form: a per-source rate limit in the shared cache,
duplicate detection and burst flagging in the database (one statement before the INSERT).

The limiter fails open: when the cache (Redis) is unreachable the rating is still accepted
and stored, and the outage is logged. Duplicates and bursts are decided from the database,
so they hold even then.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ..models import Moderation, Rating

logger = logging.getLogger(__name__)


class RateLimited(Exception):
    """Too many submissions from one source; the message tells the citizen when to retry."""


def check_rate_limit(source: str) -> None:
    """Count one submission for this source; raise RateLimited past the limit."""
    if not source:
        return
    try:
        count = _count_submission(f"feedback:rate:{source}")
    except Exception:  # noqa: BLE001 - any cache outage must not refuse a citizen
        logger.warning("feedback rate limiter: cache unavailable, accepting", exc_info=True)
        return
    if count > settings.FEEDBACK_RATE_LIMIT:
        minutes = max(1, settings.FEEDBACK_RATE_WINDOW_SECONDS // 60)
        raise RateLimited(
            _("同一网络在短时间内提交的评价过多，本次评价未保存。请 %(minutes)d 分钟后再试。")
            % {"minutes": minutes}
        )


def _count_submission(key: str) -> int:
    """The source's submissions in its window, this one included. The window starts with
    the first submission and is not extended by the later ones."""
    window = settings.FEEDBACK_RATE_WINDOW_SECONDS
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # One round trip on every public rating: create the key with the window as its
        # expiry if it is missing, then increment it (MULTI/EXEC). The cache API has no
        # such increment (incr is EXISTS then INCRBY, plus an ADD for the first of a
        # window), hence the backend's own client.
        name = backend.make_and_validate_key(key)
        client = backend._cache.get_client(name, write=True)
        _created, count = client.pipeline().set(name, 0, ex=window, nx=True).incr(name).execute()
        return count
    try:
        return backend.incr(key)
    except ValueError:  # no key: the first submission of a window
        if backend.add(key, 1, timeout=window):
            return 1
    try:
        return backend.incr(key)  # another request added the key meanwhile
    except ValueError:  # … and it expired at once: this one starts the next window
        backend.set(key, 1, timeout=window)
        return 1


@dataclass(frozen=True)
class Screening:
    """What the database says about a new rating from a source, before it is stored."""

    # The first rating from the same source for the unit inside the duplicate window.
    original_id: int | None = None
    # Counting the new rating, the unit's ratings of its level inside the burst window are
    # at least FEEDBACK_BURST_THRESHOLD from at most FEEDBACK_BURST_MAX_SOURCES sources.
    burst: bool = False
    # Earlier members of that burst not flagged yet (0 once a sustained burst is flagged).
    unflagged: int = 0


def screen(*, source: str, unit_id: int, level: str, now) -> Screening:
    """Duplicate and burst check of a public rating before its INSERT, so that it is stored
    already marked and flagged.

    One hand-written statement on the form's hot path: as two ORM queries, building and
    compiling them cost more Python than the INSERT with its audit entry. The burst part
    counts exactly the rows of burst_members."""
    if not source:
        return Screening()
    connection = transaction.get_connection()
    adapt = connection.ops.adapt_datetimefield_value
    dup_since = now - timedelta(hours=settings.FEEDBACK_DUPLICATE_WINDOW_HOURS)
    burst_since = now - timedelta(hours=settings.FEEDBACK_BURST_WINDOW_HOURS)
    with connection.cursor() as cursor:
        cursor.execute(
            _screen_sql(connection.ops.quote_name),
            [source, unit_id, adapt(dup_since)]
            + [source, Moderation.NONE.value]
            + [unit_id, level, adapt(burst_since)],
        )
        original_id, count, sources, from_source, unflagged = cursor.fetchone()
    sources += 0 if from_source else 1
    burst = (
        count + 1 >= settings.FEEDBACK_BURST_THRESHOLD
        and sources <= settings.FEEDBACK_BURST_MAX_SOURCES
    )
    return Screening(original_id=original_id, burst=burst, unflagged=unflagged if burst else 0)


def _screen_sql(quote) -> str:
    table = quote(Rating._meta.db_table)
    names = ("source_hash", "unit", "created_at", "duplicate_of", "moderation", "level")
    source, unit, created, duplicate_of, moderation, level = (
        quote(Rating._meta.get_field(name).column) for name in names
    )
    pk = quote(Rating._meta.pk.column)
    return (
        f"SELECT (SELECT {pk} FROM {table} WHERE {source} = %s AND {unit} = %s"
        f" AND {created} >= %s AND {duplicate_of} IS NULL ORDER BY {created}, {pk} LIMIT 1),"
        f" COUNT(*), COUNT(DISTINCT {source}),"
        f" COUNT(CASE WHEN {source} = %s THEN 1 END),"
        f" COUNT(CASE WHEN {moderation} = %s THEN 1 END)"
        f" FROM {table} WHERE {unit} = %s AND {level} = %s AND {created} >= %s"
        f" AND {source} <> ''"
    )


def burst_members(*, unit_id: int, level: str, now) -> QuerySet:
    """The ratings a burst consists of: the unit's ratings of one level inside the burst
    window from the public form (offline entries have no source)."""
    since = now - timedelta(hours=settings.FEEDBACK_BURST_WINDOW_HOURS)
    return Rating.objects.filter(unit_id=unit_id, level=level, created_at__gte=since).exclude(
        source_hash=""
    )
