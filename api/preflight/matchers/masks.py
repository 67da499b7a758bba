"""Masked words ("f**k", "sh*t", "bullsh#t"): each run of mask signs hides one letter or more."""
from __future__ import annotations

import re
from functools import lru_cache

from ..forms import INNER_SEPARATORS, LEET, core_bounds, fold

MASK_RUN = re.compile(r"[*#%•]+")
# A run of n masks stands for n letters, or n + 1: writers mask "fuck" as "f*k" as often as "f**k".
SLACK = 1


@lru_cache(maxsize=20_000)
def mask_pattern(chunk: str, language: str) -> re.Pattern | None:
    """The folded forms a masked chunk can stand for, or None when it is not a masked word.

    Masks must sit between letters, the first and last letter visible ("f***" is too
    little to go on), so decorations such as "*new*" are never read as a word.
    """
    start, end = core_bounds(chunk)
    core = chunk[start:end]
    runs = MASK_RUN.findall(core)
    if not runs:
        return None
    parts = [fold(INNER_SEPARATORS.sub("", p).translate(LEET), language) for p in MASK_RUN.split(core)]
    if not parts[0] or not parts[-1] or not all(ch.isalpha() for p in parts for ch in p) or sum(map(len, parts)) < 2:
        return None
    pattern = re.escape(parts[0])
    for run, part in zip(runs, parts[1:]):
        pattern += f"[^\\W\\d_]{{{len(run)},{len(run) + SLACK}}}" + re.escape(part)
    return re.compile(pattern)


def unmask(chunk: str, language: str, words) -> list[str]:
    """The words (of three letters or more) that a masked chunk can stand for."""
    pattern = mask_pattern(chunk, language)
    if pattern is None:
        return []
    return [w for w in words if len(w) >= 3 and pattern.fullmatch(w)]
