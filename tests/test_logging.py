import os
import subprocess
import sys

from django.conf import settings

SCRIPT = """
import django
django.setup()
from celery import shared_task

@shared_task
def noop():
    return 1

noop.delay()
"""


def _run(extra_env):
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "LOG_LEVEL")},
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        **extra_env,
    }
    return subprocess.run(
        [sys.executable, "-c", "import config.celery\n" + SCRIPT],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )


def test_inline_tasks_do_not_log_each_success_in_embedded_mode():
    result = _run({"CELERY_TASK_ALWAYS_EAGER": "true"})
    assert result.returncode == 0, result.stderr
    assert "succeeded in" not in result.stderr
