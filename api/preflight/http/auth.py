"""Bearer API keys with scopes; verified keys are remembered briefly to spare the database."""
from __future__ import annotations

import hashlib
import math
import threading
import time
from functools import wraps

from flask import current_app, g, request
from limits import parse
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy.exc import SQLAlchemyError

from preflight.storage.models import includes
from preflight.http.errors import ApiError
from preflight.http.limit_storage import LazyExpiryMemoryStorage



class KeyCache:
    """Verified keys for KEY_CACHE_SECONDS: a revoked key stops working within that time."""

    def __init__(self, store, seconds: float) -> None:
        self._store = store
        self._seconds = seconds
        self._entries: dict[str, tuple[float, object]] = {}
        self._lock = threading.Lock()

    def cached(self, presented: str):
        """The key `presented` stands for if it was verified lately, without asking the database; else None."""
        entry = self._entries.get(self._digest(presented))
        return entry[1] if entry is not None and entry[0] > time.monotonic() else None

    def verify(self, presented: str):
        digest = self._digest(presented)
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(digest)
        if entry is not None and entry[0] > now:
            return entry[1]
        try:
            key = self._store.verify_key(presented)
        except SQLAlchemyError:
            # The database is away: a key verified before still works (revoking it would need the database too).
            if entry is not None and entry[1] is not None:
                return entry[1]
            raise
        with self._lock:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[digest] = (now + self._seconds, key)
        return key

    @staticmethod
    def _digest(presented: str) -> str:
        return hashlib.sha256(presented.encode("utf-8", "replace")).hexdigest()

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


class FailedAuth:
    """Failed authentications per client address, in this process: past the limit, its keys are not even looked up."""

    def __init__(self, limit: str) -> None:
        self._item = parse(limit)
        self._limiter = FixedWindowRateLimiter(LazyExpiryMemoryStorage())

    def allowed(self, address: str) -> bool:
        return self._limiter.test(self._item, address)

    def failed(self, address: str) -> None:
        self._limiter.hit(self._item, address)

    def retry_after(self, address: str) -> int:
        return max(1, math.ceil(self._limiter.get_window_stats(self._item, address).reset_time - time.time()))


def rate_limit_key() -> str:
    """Limits apply per verified key; anonymous calls and failed authentications per client address.

    The key is verified here, before the limits: an unverified prefix would let anyone spend a victim's limit.
    """
    if "rate_limit_key" not in g:
        g.rate_limit_key = identify()
    return g.rate_limit_key


def identify() -> str:
    address = "addr:" + (request.remote_addr or "unknown")
    presented = presented_key()
    if presented is None:
        return address
    service = current_app.extensions["preflight"]
    found = service.keys.cached(presented)
    if found is None:
        if not service.failed_auth.allowed(address):
            raise ApiError(429, "too_many_failed_authentications", "too many requests with invalid API keys from this "
                           "address; wait before trying again", headers={"Retry-After": str(service.failed_auth.retry_after(address))})
        found = service.keys.verify(presented)
        if found is None:
            service.failed_auth.failed(address)
            return address
    return f"key:{found.id}"


def require(scope: str):
    """Decorator: the view needs a valid key with `scope` or one above it (admin keys may do everything)."""

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
            if not includes(found.scope, scope):
                raise ApiError(403, "forbidden", f"this needs a key with the {scope} scope")
            g.api_key = found
            return view(*args, **kwargs)

        wrapped.scope = scope  # what /openapi.json says the view needs: the scope enforced here, never a copy
        return wrapped

    return decorate
