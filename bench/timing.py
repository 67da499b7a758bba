"""Timing shared by the benches: the median of a call's wall time after one warm-up call."""
from __future__ import annotations

import statistics
import time


def median_ms(fn, runs: int = 9) -> float:
    fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 2)
