"""The Redis cache backend, storing JSON instead of pickle: a value read back can only be data, so whoever
can write an ``anb:*`` key in Redis still cannot make the app run code (cachelib's default unpickles)."""

from __future__ import annotations

import json
import logging
from typing import Any

from flask_caching.backends.rediscache import RedisCache

log = logging.getLogger(__name__)


class JSONSerializer:
    """cachelib's serializer interface over JSON; integers stay plain digits, as Redis INCR needs."""

    def dumps(self, value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def loads(self, value: bytes | None) -> Any:
        """The stored value, or None (a cache miss) for anything that is not JSON."""
        if value is None:
            return None
        try:
            return json.loads(value)
        except ValueError:
            log.warning("cache: ignoring a value that is not JSON")
            return None


class JSONRedisCache(RedisCache):
    """flask-caching's RedisCache with the JSON serializer (CACHE_TYPE = "anb.cache.JSONRedisCache")."""

    serializer = JSONSerializer()
