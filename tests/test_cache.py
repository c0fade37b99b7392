"""The platform's Redis cache clears its own keys and leaves the rest of the database (the
Celery broker's queues by default) alone."""

import os

import pytest
from django.core.cache import caches

from config.cache import RedisCache

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_cache():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("needs a real Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379/14)")
    cache = RedisCache(url, {"KEY_PREFIX": "cache-test"})
    client = cache._cache.get_client(None, write=True)
    yield cache, client
    client.delete("_kombu.binding.cache-test", "cache-test-queue")
    cache.clear()


def test_clear_removes_the_caches_keys_of_every_version_and_nothing_else(redis_cache):
    cache, client = redis_cache
    cache.set("figures", 1)
    cache.set("figures", 2, version=2)
    client.sadd("_kombu.binding.cache-test", "celery\x06\x16\x06\x16celery")
    client.rpush("cache-test-queue", "a task")

    cache.clear()

    assert cache.get("figures") is None and cache.get("figures", version=2) is None
    assert client.smembers("_kombu.binding.cache-test") == {b"celery\x06\x16\x06\x16celery"}
    assert client.lrange("cache-test-queue", 0, -1) == [b"a task"]


def test_the_configured_cache_is_the_platforms_when_redis_is_set(settings):
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs a real Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379/14)")
    assert isinstance(caches["default"], RedisCache)
