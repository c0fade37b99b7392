"""The platform's Redis cache."""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache


class RedisCache(DjangoRedisCache):
    """Django's Redis cache whose ``clear()`` removes only the cache's own keys (its
    KEY_PREFIX), never the whole database: Celery's broker uses the same Redis database by
    default (CELERY_BROKER_URL falls back to REDIS_URL), and Django's FLUSHDB would drop its
    queues and their bindings."""

    def clear(self):
        client = self._cache.get_client(None, write=True)
        batch = []
        for key in client.scan_iter(match=f"{self.key_prefix}:*", count=1000):
            batch.append(key)
            if len(batch) == 1000:
                client.delete(*batch)
                batch = []
        if batch:
            client.delete(*batch)
        return True
