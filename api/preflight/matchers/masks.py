"""Masked words ("f**k", "sh*t", "bullsh#t"): each run of mask signs hides one letter or more."""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from preflight.text.forms import INNER_SEPARATORS, LEET, core_bounds, fold

MASK_RUN = re.compile(r"[*#%•]+")
# A run of n masks stands for n letters, or n + 1: writers mask "fuck" as "f*k" as often as "f**k".
SLACK = 1


@dataclass(frozen=True, slots=True)
class Mask:
    """The folded forms a masked chunk can stand for: a pattern, its first and last letter, its lengths."""

    pattern: re.Pattern
    first: str
    last: str
    shortest: int
    longest: int


@lru_cache(maxsize=20_000)
def mask_pattern(chunk: str, language: str) -> Mask | None:
    """What a masked chunk can stand for, or None when it is not a masked word.

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
    shortest = sum(map(len, parts)) + sum(map(len, runs))
    return Mask(re.compile(pattern), parts[0][0], parts[-1][-1], shortest, shortest + SLACK * len(runs))


class MaskedWords:
    """Single-word terms by first letter, last letter and length.

    A masked chunk is compared only with the few terms of its shape: comparing it with
    every term would cost a pack of 100,000 terms a tenth of a second per masked chunk.
    """

    def __init__(self, words: Iterable[str]) -> None:
        self._by_shape: dict[tuple[str, str, int], list[str]] = defaultdict(list)
        for word in words:
            if len(word) >= 3:
                self._by_shape[(word[0], word[-1], len(word))].append(word)

    def unmask(self, chunk: str, language: str) -> list[str]:
        """The words (of three letters or more) that a masked chunk can stand for."""
        mask = mask_pattern(chunk, language)
        if mask is None:
            return []
        return [word for length in range(mask.shortest, mask.longest + 1)
                for word in self._by_shape.get((mask.first, mask.last, length), ())
                if mask.pattern.fullmatch(word)]
