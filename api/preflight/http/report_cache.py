"""The reports a worker gave lately, so that the extension's re-check of an unchanged draft costs no check.

An entry is found only by everything its report depends on: the submission (text, language, platform,
profile, context, reply, images and their alt texts, a publication time if one was given), the calendar
day it is checked for, and the very objects holding the state it was checked against (the compiled packs,
the crisis switch, the live events, the image references), which a reload replaces. While crisis mode is
on or an event is listed, a report also depends on the minute it is asked for: nothing is kept then. A
report that skipped a check it could run another time (LanguageTool away) is not kept either.
"""
from __future__ import annotations

import dataclasses
import hashlib
import threading
import time
from collections import OrderedDict

from preflight.pipeline import Submission
from preflight.report import Report

# Posts are a few hundred characters; a long text is checked each time rather than held.
MAX_TEXT_CHARS = 5_000


class ReportCache:
    """Least recently used reports of one process, at most `size` of them (0: no cache)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[bytes, tuple[tuple, Report]] = OrderedDict()
        self._lock = threading.Lock()

    def key(self, submission: Submission, dated: Submission) -> bytes | None:
        """The digest naming a submission as given and as dated, or None when it is not to be cached."""
        if self._size <= 0 or len(submission.text) > MAX_TEXT_CHARS or len(submission.in_reply_to or "") > MAX_TEXT_CHARS:
            return None
        digest = hashlib.sha256()
        for part in (submission.text, submission.language, submission.platform, submission.profile, submission.context,
                     submission.mixed, submission.in_reply_to, submission.now, dated.today):
            digest.update(repr(part).encode("utf-8", "surrogatepass") + b"\0")
        for image in submission.images:
            digest.update(hashlib.sha256(image.data).digest() + repr((image.name, image.alt)).encode("utf-8", "surrogatepass"))
        return digest.digest()

    def get(self, key: bytes | None, state: tuple, submission: Submission) -> Report | None:
        """The report kept under `key` if it was made with the same state objects, dated as `submission`."""
        if key is None:
            return None
        started = time.perf_counter()
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if len(entry[0]) != len(state) or any(a is not b for a, b in zip(entry[0], state)):
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
        return dataclasses.replace(entry[1], elapsed_ms=(time.perf_counter() - started) * 1000,
                                   checked_for=submission.now.isoformat())

    def put(self, key: bytes | None, state: tuple, report: Report) -> None:
        if key is None:
            return
        with self._lock:
            self._entries[key] = (state, report)
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
