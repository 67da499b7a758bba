"""Timing shared by the benches: the median of a call's time after one warm-up call."""
from __future__ import annotations

import statistics
import time


def median_ms(fn, runs: int = 9, clock=time.perf_counter) -> float:
    """Wall time by default; `clock=time.thread_time` gives the calling thread's CPU time instead."""
    fn()
    samples = []
    for _ in range(runs):
        started = clock()
        fn()
        samples.append((clock() - started) * 1000)
    return round(statistics.median(samples), 2)
