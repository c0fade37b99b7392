"""Whether the nav shows 我的联检任务, without a query on every page.

The answer is kept in the session beside the generation it was computed at. Login computes
it; the inspection services bump the generation (in the cache) whenever who holds open
items may change (publish, close, swap), and the next page of every session recomputes it.
"""

import logging

from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.dispatch import receiver

from .selectors.inspection import is_inspector

GENERATION_KEY = "inspection:nav-generation"
SESSION_KEY = "inspection_open"
logger = logging.getLogger(__name__)


def _generation():
    """The cached generation; None during a cache outage (then every page recomputes)."""
    try:
        return cache.get(GENERATION_KEY, 0)
    except Exception:  # noqa: BLE001 - a cache outage must not take the page down
        logger.warning("inspection nav: cache unavailable, computing", exc_info=True)
        return None


def bump_generation():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not in the cache yet (or evicted): any new value tells sessions
        cache.set(GENERATION_KEY, 1, None)
    except Exception:  # noqa: BLE001 - sessions recompute while the cache is out
        logger.warning("inspection nav: cache unavailable, not bumped", exc_info=True)


def _remember(request, user):
    answer = [_generation(), is_inspector(user)]
    request.session[SESSION_KEY] = answer
    return answer


def inspector_open(request) -> bool:
    stored = request.session.get(SESSION_KEY)
    generation = _generation()
    if not stored or generation is None or stored[0] != generation:
        stored = _remember(request, request.user)
    return stored[1]


@receiver(user_logged_in, dispatch_uid="inspection_nav_on_login")
def _on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        _remember(request, user)
