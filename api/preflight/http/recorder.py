"""Writes check records to the database from a background thread, in batches.

A check must not wait for a disk write, yet no record may be lost: records are
queued, written in batches, and the queue is drained when the process stops.
"""
from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time

log = logging.getLogger("preflight.recorder")
BATCH = 500
INTERVAL_S = 0.2


class Recorder:
    def __init__(self, store) -> None:
        self._store = store
        self._queue: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._pid = None
        self._lock = threading.Lock()
        # Records not yet written, by check id: an override may follow its check before the next batch.
        self._pending: dict[str, dict] = {}
        atexit.register(self.flush)

    def record(self, record: dict) -> None:
        self._ensure_thread()
        self._pending[record["check_id"]] = record
        self._queue.put(record)

    def pending(self, check_id: str) -> dict | None:
        """The record of `check_id` if it is queued here and not yet written."""
        return self._pending.get(check_id)

    def _ensure_thread(self) -> None:
        # gunicorn forks workers after the app is built: each process needs its own thread.
        if self._thread is not None and self._pid == os.getpid() and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="preflight-recorder", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            try:
                while len(batch) < BATCH:
                    batch.append(self._queue.get(timeout=INTERVAL_S))
            except queue.Empty:
                pass
            self._write(batch)

    def _write(self, batch: list[dict]) -> None:
        try:
            self._store.record_checks(batch)
            for record in batch:
                self._pending.pop(record["check_id"], None)
        except Exception:  # the database may be briefly away; keep the records and retry
            log.exception("could not write %d check records; retrying", len(batch))
            for record in batch:
                self._queue.put(record)
            time.sleep(1.0)
        finally:
            for _ in batch:
                self._queue.task_done()

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until everything queued so far is written (at exit, and in tests)."""
        batch = []
        while True:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        if batch:
            self._write(batch)
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)
