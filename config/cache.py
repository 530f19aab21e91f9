"""A Redis cache that an outage of Redis degrades instead of breaking.

Lectern's cache holds what can be lost: cached page bodies, filter labels, and the login rate
limits (allauth counts attempts in the cache). While Redis cannot be reached, every call goes
to a cache in this process's memory instead, so pages render (a miss) and logins keep working
with a per-process limit. Redis is tried again every few seconds; a short connect timeout keeps
an unreachable host from holding pages up.
"""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger(__name__)

OUTAGE = (RedisConnectionError, RedisTimeoutError)


class FallbackRedisCache(RedisCache):
    """Django's RedisCache; while Redis is down, a LocMemCache of this process.

    OPTIONS as for RedisCache, plus RETRY_SECONDS: how long after a failure calls skip Redis.
    """

    def __init__(self, server, params):
        params = {**params, "OPTIONS": dict(params.get("OPTIONS") or {})}
        options = params["OPTIONS"]
        self.retry_seconds = float(options.pop("RETRY_SECONDS", 5))
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 2)
        # One immediate retry (a pooled connection that Redis closed), no backoff: a caller
        # waits milliseconds, not the seconds of redis-py's default retries, to learn of it.
        options.setdefault("retry", Retry(NoBackoff(), 1))
        super().__init__(server, params)
        self.fallback = LocMemCache(f"fallback:{server}", params)
        self._down_until = 0.0

    def _call(self, name, *args, **kwargs):
        if time.monotonic() >= self._down_until:
            try:
                result = getattr(super(), name)(*args, **kwargs)
            except OUTAGE as exc:
                if not self._down_until:
                    logger.warning(
                        "Redis cache unreachable (%s): using this process's memory meanwhile",
                        exc,
                    )
                self._down_until = time.monotonic() + self.retry_seconds
            else:
                if self._down_until:
                    logger.info("Redis cache reachable again")
                    self._down_until = 0.0
                return result
        return getattr(self.fallback, name)(*args, **kwargs)

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        return self._call("clear")
