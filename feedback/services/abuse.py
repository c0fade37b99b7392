"""Abuse controls for the public form: a per-source rate limit in the shared cache,
duplicate detection and burst flagging in the database.

The limiter fails open: when the cache (Redis) is unreachable the rating is still accepted
and stored, and the outage is logged. Duplicates and bursts are decided from the database,
so they hold even then.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class RateLimited(Exception):
    """Too many submissions from one source; the message tells the citizen when to retry."""


def check_rate_limit(source: str) -> None:
    """Count one submission for this source; raise RateLimited past the limit."""
    if not source:
        return
    window = settings.FEEDBACK_RATE_WINDOW_SECONDS
    key = f"feedback:rate:{source}"
    try:
        cache.add(key, 0, timeout=window)
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        try:
            cache.set(key, 1, timeout=window)
        except Exception:  # noqa: BLE001 - fail open, see module docstring
            logger.warning("feedback rate limiter: cache unavailable, accepting", exc_info=True)
        return
    except Exception:  # noqa: BLE001 - any cache outage must not refuse a citizen
        logger.warning("feedback rate limiter: cache unavailable, accepting", exc_info=True)
        return
    if count > settings.FEEDBACK_RATE_LIMIT:
        minutes = max(1, window // 60)
        raise RateLimited(
            _("同一网络在短时间内提交的评价过多，本次评价未保存。请 %(minutes)d 分钟后再试。")
            % {"minutes": minutes}
        )


def find_original(rating_model, *, source: str, unit_id: int, now):
    """The first rating from this source for this unit inside the duplicate window."""
    if not source:
        return None
    since = now - timedelta(hours=settings.FEEDBACK_DUPLICATE_WINDOW_HOURS)
    return (
        rating_model.objects.filter(
            source_hash=source, unit_id=unit_id, created_at__gte=since, duplicate_of__isnull=True
        )
        .order_by("created_at", "pk")
        .first()
    )


def burst_members(rating_model, *, unit_id: int, level: str, now):
    """Ratings of one level for one unit inside the burst window, when they look like a
    burst: at least FEEDBACK_BURST_THRESHOLD of them from at most
    FEEDBACK_BURST_MAX_SOURCES sources. Returns a queryset or None."""
    since = now - timedelta(hours=settings.FEEDBACK_BURST_WINDOW_HOURS)
    recent = rating_model.objects.filter(
        unit_id=unit_id, level=level, created_at__gte=since
    ).exclude(source_hash="")
    stats = recent.aggregate(n=Count("pk"), sources=Count("source_hash", distinct=True))
    if (
        stats["n"] >= settings.FEEDBACK_BURST_THRESHOLD
        and stats["sources"] <= settings.FEEDBACK_BURST_MAX_SOURCES
    ):
        return recent
    return None
