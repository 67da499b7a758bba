"""One daemon thread per process for a queue's consumer: gunicorn forks the workers after the app is built."""
from __future__ import annotations

import os
import threading
from collections.abc import Callable


class ProcessThread:
    """Runs `target` in a daemon thread of this process, started on first need and again in a forked child."""

    def __init__(self, target: Callable[[], None], name: str) -> None:
        self._target, self._name = target, name
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()

    def ensure(self) -> None:
        if self._alive():
            return
        with self._lock:
            if not self._alive():
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._target, name=self._name, daemon=True)
                self._thread.start()

    def _alive(self) -> bool:
        return self._thread is not None and self._pid == os.getpid() and self._thread.is_alive()
