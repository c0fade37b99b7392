"""Test settings: the embedded default unless DATABASE_URL / REDIS_URL point at real servers."""

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES, REDIS_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "test-artifacts" / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests run tasks inline unless a test starts a real worker itself.
# (a real worker started by a test gets CELERY_TASK_ALWAYS_EAGER=false in its environment).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)  # noqa: F405
LANGUAGE_CODE = "zh-hans"

# Static files straight from static/ through WhiteNoise's finders: no collectstatic needed.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# `make test` runs on several processes (pytest-xdist, PYTEST_XDIST_WORKER=gw0, gw1, …) that
# share one Redis: each keeps its own cache keys and its own Celery queue, which the real
# workers its tests start inherit through the environment.
XDIST_WORKER = env("PYTEST_XDIST_WORKER", default="")  # noqa: F405
if XDIST_WORKER:
    CELERY_TASK_DEFAULT_QUEUE = f"celery-{XDIST_WORKER}"
    if REDIS_URL:
        CACHES["default"]["KEY_PREFIX"] = f"ma-{XDIST_WORKER}"
