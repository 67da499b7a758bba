"""Bearer API keys with scopes; verified keys are remembered briefly to spare the database."""
from __future__ import annotations

import hashlib
import threading
import time
from functools import wraps

from flask import current_app, g, request

from .errors import ApiError

SCOPES = ("check", "admin")


class KeyCache:
    """Verified keys for KEY_CACHE_SECONDS: a revoked key stops working within that time."""

    def __init__(self, store, seconds: float) -> None:
        self._store = store
        self._seconds = seconds
        self._entries: dict[str, tuple[float, object]] = {}
        self._lock = threading.Lock()

    def verify(self, presented: str):
        digest = hashlib.sha256(presented.encode("utf-8", "replace")).hexdigest()
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(digest)
        if entry is not None and entry[0] > now:
            return entry[1]
        key = self._store.verify_key(presented)
        with self._lock:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[digest] = (now + self._seconds, key)
        return key

    def clear(self) -> None:
        """Forget every verified key: a key was revoked somewhere."""
        with self._lock:
            self._entries.clear()


def presented_key() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def rate_limit_key() -> str:
    """Limits apply per key (its public prefix), or per address for anonymous calls."""
    key = presented_key()
    if key and key.count("_") >= 2:
        return "key:" + key.split("_")[1][:16]
    return "addr:" + (request.remote_addr or "unknown")


def require(scope: str):
    """Decorator: the view needs a valid key with `scope` (admin keys may do everything)."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            key = presented_key()
            if key is None:
                raise ApiError(401, "unauthorized", "send an API key as 'Authorization: Bearer <key>'",
                               headers={"WWW-Authenticate": "Bearer"})
            found = current_app.extensions["preflight"].keys.verify(key)
            if found is None:
                raise ApiError(401, "unauthorized", "the API key is not valid (unknown, malformed or revoked)",
                               headers={"WWW-Authenticate": "Bearer"})
            if scope == "admin" and found.scope != "admin":
                raise ApiError(403, "forbidden", "this needs a key with the admin scope")
            g.api_key = found
            return view(*args, **kwargs)

        return wrapped

    return decorate
