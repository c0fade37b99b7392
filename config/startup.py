"""What the web server does once it has loaded the application, before it serves requests
(in gunicorn's master, before the workers are forked: gunicorn.conf.py)."""

import gc

from django.urls import get_resolver


def settle() -> None:
    """Import every view (the URLconf loads them; Django would on the first request) and put
    what start-up built out of the garbage collector's reach: Django, the apps, their
    libraries live as long as the process, and a full collection would otherwise walk them
    every few requests (about 100 ms at province scale; docs/performance.md)."""
    get_resolver().url_patterns  # noqa: B018 - the import is the point
    gc.collect()
    gc.freeze()
