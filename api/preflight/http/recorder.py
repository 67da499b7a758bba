"""Writes check records to the database; a check is answered once its record is committed.

One writer thread per process commits records in groups: it takes every record that queued up
while it was committing the previous group, so under load many checks share one commit and each
waits only for the commit of its own group (a few milliseconds). A worker killed after answering
a check has therefore already stored that check's record.

While the database fails, checks are still answered (a check needs the database only to verify
its key, and verified keys are cached): their records wait in memory and are written when the
database is back. Those records, and only those, are lost if the process dies before then.
"""
from __future__ import annotations

import atexit
import logging
import queue
import threading
import time

from preflight.background import ProcessThread

log = logging.getLogger("preflight.recorder")
BATCH = 500
RETRY_S = 1.0


class Recorder:
    def __init__(self, store, wait_seconds: float = 2.0) -> None:
        self._store = store
        self._wait = wait_seconds
        self._queue: queue.Queue = queue.Queue()
        self._worker = ProcessThread(self._run, "preflight-recorder")
        self._healthy = True
        # Records not yet written, by check id: an override may follow its check before the commit.
        self._pending: dict[str, dict] = {}
        atexit.register(self.flush)

    def record(self, record: dict) -> bool:
        """Queue `record` and wait for its commit; False when it waits in memory (database failing, or slower than the wait)."""
        self._worker.ensure()
        committed = threading.Event()
        self._pending[record["check_id"]] = record
        self._queue.put((record, committed))
        if not self._healthy or self._wait <= 0:
            return False
        return committed.wait(self._wait)

    def pending(self, check_id: str) -> dict | None:
        """The record of `check_id` if it is queued here and not yet written."""
        return self._pending.get(check_id)

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            self._write(batch)

    def _write(self, batch: list[tuple[dict, threading.Event]]) -> None:
        try:
            self._commit(batch)
        finally:
            for _ in batch:
                self._queue.task_done()

    def _commit(self, batch: list[tuple[dict, threading.Event]]) -> None:
        try:
            self._store.record_checks([record for record, _ in batch])
        except Exception as exc:
            if not self._store.ping():  # the database is away: keep every record and try again
                self._healthy = False
                log.warning("database unavailable; %d check records wait in memory: %s", len(batch), type(exc).__name__)
                for item in batch:
                    self._queue.put(item)
                time.sleep(RETRY_S)
                return
            if len(batch) > 1:  # the database refuses something in this batch: find it without holding up the rest
                half = len(batch) // 2
                self._commit(batch[:half])
                self._commit(batch[half:])
                return
            self._set_aside(batch[0], exc)
            return
        self._healthy = True
        self._done(batch)

    def _set_aside(self, item: tuple[dict, threading.Event], exc: Exception) -> None:
        """Store a refused record without its text (the likely culprit); failing that, log it. Never retried."""
        record = item[0]
        log.error("check record %s refused by the database (%s); storing it without its text",
                  record["check_id"], type(exc).__name__)
        try:
            self._store.record_checks([{**record, "text": None}])
        except Exception as again:
            log.error("check record %s set aside: key %s, verdict %s, rules %s (%s)", record["check_id"],
                      record.get("key_name"), record.get("verdict"), record.get("rules"), type(again).__name__)
        self._done([item])

    def _done(self, batch: list[tuple[dict, threading.Event]]) -> None:
        for record, committed in batch:
            self._pending.pop(record["check_id"], None)
            committed.set()

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
