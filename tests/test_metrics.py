"""X's weighted length: the fast cut agrees with counting character by character."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from preflight.matchers.base import Context
from preflight.matchers.metric import X_LIGHT_RANGES, X_URL_WEIGHT, x_cut

PIECES = ["a", "é", "😀", "中", "—", " ", "https://example.com/x", "\u2019", "👍🏽"]


def naive(text: str, urls: list[tuple[int, int]], limit: int):
    weights, i = [], 0
    starts = dict(urls)
    while i < len(text):
        if i in starts:
            weights.append((i, X_URL_WEIGHT))
            i = starts[i]
            continue
        cp = ord(text[i])
        weights.append((i, 1 if any(lo <= cp <= hi for lo, hi in X_LIGHT_RANGES) else 2))
        i += 1
    total, running = sum(w for _, w in weights), 0
    if total <= limit:
        return None
    for index, weight in weights:
        running += weight
        if running > limit:
            return index, total


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.sampled_from(PIECES), max_size=200), limit=st.integers(1, 300))
def test_cut_matches_counting_each_character(analyzer, pieces, limit):
    text = "".join(pieces)
    post = analyzer.analyse(text, "en", "en", "x", "post", __import__("datetime").date(2026, 1, 1), mixed=False)
    urls = [(e.start, e.end) for e in post.analysed.entities if e.kind == "url"]
    assert x_cut(Context(post, {}, None), limit) == naive(text, urls, limit)
