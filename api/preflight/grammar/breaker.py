"""A circuit breaker: after repeated failures, stop calling a service for a while, then try once."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable


class CircuitBreaker:
    """Closed until `failures` calls fail in a row; then open for `cooldown` seconds; then one trial call."""

    def __init__(self, failures: int = 3, cooldown: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.failures = max(1, int(failures))
        self.cooldown = float(cooldown)
        self._clock = clock
        self._lock = threading.Lock()
        self._in_a_row = 0
        self._opened_at: float | None = None
        self._trial_started: float | None = None

    def allow(self) -> bool:
        """Whether a call may go out now; while open, only one trial call after the cooldown."""
        with self._lock:
            if self._opened_at is None:
                return True
            now = self._clock()
            if now - self._opened_at < self.cooldown:
                return False
            # A trial whose caller never reported back must not keep the breaker half-open for ever.
            if self._trial_started is not None and now - self._trial_started < self.cooldown:
                return False
            self._trial_started = now
            return True

    def succeeded(self) -> None:
        with self._lock:
            self._in_a_row = 0
            self._opened_at = None
            self._trial_started = None

    def failed(self) -> None:
        with self._lock:
            self._in_a_row += 1
            if self._opened_at is not None or self._in_a_row >= self.failures:
                self._opened_at = self._clock()
                self._trial_started = None

    @property
    def is_open(self) -> bool:
        with self._lock:
            return self._opened_at is not None

    def retry_in(self) -> float:
        """Seconds until the next trial call may go out (0 when closed)."""
        with self._lock:
            if self._opened_at is None:
                return 0.0
            return max(0.0, self.cooldown - (self._clock() - self._opened_at))
