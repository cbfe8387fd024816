"""The Redis cache backend, storing JSON instead of pickle: a value read back can only be data, so whoever
can write an ``anb:*`` key in Redis still cannot make the app run code (cachelib's default unpickles); the
prepared public bodies (``prepared_json``): responses stored as final bytes, with stampede protection; and
the URL aliases through which anb.middleware.PreparedReads answers an anonymous GET of one of them without
entering Flask."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

import redis
from flask import current_app
from flask_caching.backends.rediscache import RedisCache

from anb.extensions import cache

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
    #: The registered _FOLLOW_ALIAS script (EVALSHA), made on first use.
    _follow = None

    def get_bytes(self, key: str) -> bytes | None:
        """The raw stored bytes (no deserialisation): a prepared response body."""
        return self._read_client.get(f"{self._get_prefix()}{key}")

    def set_bytes(self, key: str, value: bytes, seconds: float) -> None:
        """Store raw bytes for ``seconds`` (millisecond precision)."""
        self._write_client.set(f"{self._get_prefix()}{key}", value, px=max(1, int(seconds * 1000)))

    def claim(self, key: str, seconds: float) -> bool:
        """Take a short lock (SET NX PX); False if someone else holds it."""
        return bool(self._write_client.set(f"{self._get_prefix()}{key}", b"1", nx=True,
                                           px=max(1, int(seconds * 1000))))

    def point(self, alias: str, key: str, headers: dict[str, str], seconds: float) -> None:
        """Make ``alias`` name the stored body ``key`` (and the headers sent with it) for ``seconds``."""
        value = json.dumps([f"{self._get_prefix()}{key}", headers]).encode()
        self._write_client.set(f"{self._get_prefix()}{alias}", value, px=max(1, int(seconds * 1000)))

    def follow(self, alias: str) -> tuple[dict[str, str], bytes] | None:
        """The headers and body an alias names, in one round trip; None if either is gone."""
        if self._follow is None:
            self._follow = self._read_client.register_script(_FOLLOW_ALIAS)
        found = self._follow(keys=[f"{self._get_prefix()}{alias}"], args=[f"{self._get_prefix()}prepared:"])
        return (json.loads(found[0]), found[1]) if found else None

    def delete_matching(self, pattern: str) -> None:
        """Remove every key under the prefix that matches ``pattern`` (SCAN, never KEYS)."""
        names = list(self._write_client.scan_iter(match=f"{self._get_prefix()}{pattern}", count=500))
        if names:
            self._write_client.unlink(*names)


#: GET the alias (JSON: [body key, headers]), then the body it names, if that is a prepared body (ARGV[1]:
#: the prefix of their keys). One Redis instance: the body's key is not declared in KEYS.
_FOLLOW_ALIAS = """
local alias = redis.call('GET', KEYS[1])
if not alias then return nil end
local ok, named = pcall(cjson.decode, alias)
if not ok or type(named) ~= 'table' or type(named[1]) ~= 'string'
    or string.sub(named[1], 1, string.len(ARGV[1])) ~= ARGV[1] then return nil end
local body = redis.call('GET', named[1])
if not body then return nil end
return {cjson.encode(named[2]), body}
"""
#: How long a URL keeps pointing at its body. Only a pointer: the body's own key decides freshness, and an
#: alias is rewritten each time Flask serves its URL (at least once per body's life). Unknown query
#: parameters make new URLs, so this also bounds their number (requests per second × these seconds).
URL_ALIAS_SECONDS = 10.0
#: While one process rebuilds an expired body, the others serve the previous one this much longer.
STALE_SECONDS = 5.0
#: The rebuild lock expires by itself if its holder dies.
REBUILD_LOCK_SECONDS = 1.0


def prepared_json(key: str, build: Callable[[], Any], fresh_seconds: float,
                  alias: tuple[str, dict[str, str]] | None = None) -> bytes:
    """The JSON response body for ``key``, as stored bytes: a hit is one Redis GET and no serialisation.

    On a miss one caller (a Redis lock) runs ``build`` and stores the body, serialised exactly as the app's
    JSON responses are; the others meanwhile serve the previous body (kept STALE_SECONDS longer), so an
    expiry never sends every worker to the database at once. A body is thus at most ``fresh_seconds`` plus
    one rebuild old. If Redis fails, the body is built and served uncached. ``alias`` (a URL alias and the
    headers that go with the body) is pointed at the fresh body, never at a stale one.
    """
    backend = cache.cache
    fresh_key, stale_key, lock_key = f"prepared:{key}", f"prepared-stale:{key}", f"prepared-lock:{key}"
    rebuilding = False
    try:
        body = backend.get_bytes(fresh_key)
        if body is None:
            rebuilding = backend.claim(lock_key, REBUILD_LOCK_SECONDS)
            if not rebuilding and (body := backend.get_bytes(stale_key)) is not None:
                return body
            body = _serialised(build())
            backend.set_bytes(fresh_key, body, fresh_seconds)
            backend.set_bytes(stale_key, body, fresh_seconds + STALE_SECONDS)
        if alias is not None:
            backend.point(alias[0], fresh_key, alias[1], URL_ALIAS_SECONDS)
        return body
    except redis.RedisError as exc:
        log.warning("cache: serving %s uncached: %s", key, exc)
        return _serialised(build())
    finally:
        if rebuilding:
            backend.delete(lock_key)


def forget_prepared(kind: str) -> None:
    """Drop every prepared body of one kind (e.g. ``ranking`` once the final ranking is frozen)."""
    for prefix in ("prepared", "prepared-stale"):
        cache.cache.delete_matching(f"{prefix}:{kind}:*")


def url_alias(environ: dict) -> str:
    """The alias key of a request's URL exactly as sent (path and raw query string, no parsing)."""
    url = f"{environ.get('PATH_INFO', '')}?{environ.get('QUERY_STRING', '')}"
    return f"prepared-url:{hashlib.sha256(url.encode('latin-1')).hexdigest()[:32]}"


def prepared_key(kind: str, *parts: Any) -> str:
    """A bounded key for one prepared body: its kind and a digest of what selects it."""
    digest = hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()[:32]
    return f"{kind}:{digest}"


def _serialised(data: Any) -> bytes:
    """The bytes the app's JSON response for ``data`` carries (what flask-smorest would send)."""
    return current_app.json.response(data).get_data()
