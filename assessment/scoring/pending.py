"""Claims on waiting recomputes: at most one recompute per (period, unit, reach) waits in
the queue. A claim is a cache key taken with ``cache.add`` when a recompute is enqueued and
released by the recompute when it starts, so a review committed while it runs enqueues the
next one."""

from django.core.cache import cache

PENDING_TTL = 600  # seconds a pending recompute blocks others for the same unit, at most


def _key(period_id: int, unit_id: int, reach: str) -> str:
    return f"scoring:recompute-pending:{period_id}:{unit_id}:{reach}"


def claim(period_id: int, unit_ids, reach: str) -> list:
    """The units of ``unit_ids`` that had no recompute waiting (now claimed)."""
    return [u for u in sorted(unit_ids) if cache.add(_key(period_id, u, reach), 1, PENDING_TTL)]


def release(period_id: int, unit_ids, reach: str) -> None:
    cache.delete_many([_key(period_id, u, reach) for u in unit_ids])
