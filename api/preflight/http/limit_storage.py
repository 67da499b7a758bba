"""The per-process rate-limit counters, without a timer thread per request.

limits' MemoryStorage starts a threading.Timer to drop expired counters whenever the last one has run
out, 10 ms after it started: under steady traffic, a new thread every few requests. Reading a counter
already ignores an expired one, so dropping them is only housekeeping: here it happens inline, at most
once a second.
"""
from __future__ import annotations

import time

from limits.storage import MemoryStorage

SCHEME = "preflight-memory"
HOUSEKEEPING_S = 1.0


class LazyExpiryMemoryStorage(MemoryStorage):
    STORAGE_SCHEME = [SCHEME]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._next_housekeeping = 0.0

    # Replaces MemoryStorage's private scheduler (name-mangled), which its incr() and acquire_entry() call.
    def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now >= self._next_housekeeping:
            self._next_housekeeping = now + HOUSEKEEPING_S
            self._MemoryStorage__expire_events()
