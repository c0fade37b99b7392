"""gunicorn loads the application once in its master and forks the workers from it
(gunicorn.conf.py). That is only safe if loading it leaves nothing a fork would share: no
open database connection, no thread. And the heap it built is frozen out of the collector's
reach, so the workers' collections do not walk (and copy) it."""

import json
import subprocess
import sys

from django.conf import settings

from tests.helpers import production_environment

PROBE = """
import gc, json, threading
import config.wsgi
from django.db import connections
print(json.dumps({
    "open_connections": [c.alias for c in connections.all() if c.connection is not None],
    "threads": [t.name for t in threading.enumerate()],
    "frozen": gc.get_freeze_count(),
    "views_loaded": "assessment.views" in __import__("sys").modules,
}))
"""


def load_wsgi_in_a_fresh_process():
    env = production_environment()
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", PROBE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_loading_the_application_leaves_nothing_a_fork_would_share():
    loaded = load_wsgi_in_a_fresh_process()

    assert loaded["open_connections"] == []
    assert loaded["threads"] == ["MainThread"]


def test_every_view_is_imported_and_frozen_before_the_workers_fork():
    loaded = load_wsgi_in_a_fresh_process()

    assert loaded["views_loaded"] is True
    assert loaded["frozen"] > 100_000


def test_gunicorn_preloads_the_application_wherever_it_is_started():
    from gunicorn.config import Config

    config = Config()
    path = settings.BASE_DIR / "gunicorn.conf.py"
    namespace = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    for name, value in namespace.items():
        if name in config.settings:
            config.set(name, value)

    assert config.preload_app is True
