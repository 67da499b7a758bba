"""Keeps one process's in-memory state in step with changes made through any worker of any instance.

Every change to shared state (packs, keys, ...) bumps a counter in the database; each process reads
the counters at most once per interval, before it handles a request, and refreshes what changed.
So a change made through one worker is in force everywhere within about a second.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger("preflight.sync")


class Sync:
    def __init__(self, store, interval: float = 1.0) -> None:
        self._store = store
        self._interval = interval
        self._handlers: dict[str, list[Callable[[], None]]] = {}
        self._seen: dict[str, int] = {}
        self._next = 0.0
        self._lock = threading.Lock()

    def on(self, name: str, handler: Callable[[], None]) -> None:
        """Call `handler` in this process whenever counter `name` changes (through any process)."""
        self._handlers.setdefault(name, []).append(handler)

    def start(self) -> None:
        """Take the counters as they are now: the state just loaded is current."""
        self._seen = self._read() or {}
        self._next = time.monotonic() + self._interval

    def changed(self, name: str) -> None:
        """Record a change made by this process, and count it for the others."""
        self._store.bump(name)
        with self._lock:
            self._seen[name] = self._seen.get(name, 0) + 1

    def poll(self, force: bool = False) -> None:
        """Refresh what changed since the last look; cheap when called on every request."""
        now = time.monotonic()
        if not force and now < self._next:
            return
        # One thread looks; the others go on with the state they have.
        if not self._lock.acquire(blocking=force):
            return
        try:
            if not force and now < self._next:
                return
            self._next = now + self._interval
            current = self._read()
            if current is None:
                return
            changed = [name for name, value in current.items() if self._seen.get(name) != value]
            self._seen = current
        finally:
            self._lock.release()
        for name in changed:
            for handler in self._handlers.get(name, ()):
                try:
                    handler()
                except Exception:  # a failed refresh keeps the old state; one bad handler must not stop the rest
                    log.exception("refreshing %s failed", name)

    def _read(self) -> dict[str, int] | None:
        try:
            return self._store.counters()
        except SQLAlchemyError as exc:  # the database is down: keep serving with what we have
            log.warning("cannot read change counters: %s", exc)
            return None
