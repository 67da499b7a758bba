"""`metric`: counts and ratios with thresholds (exclamation marks, capitals, emoji, length)."""
from __future__ import annotations

import re

from preflight.matchers.base import Context, Hit, whole_post

PLATFORM_LIMITS = {
    "x": 280,
    "threads": 500,
    "instagram": 2200,
    "linkedin": 3000,
    "facebook": 63206,
    "tiktok": 2200,
}
# X counts a link as 23 characters and most characters outside Latin scripts as 2.
X_URL_WEIGHT = 23
X_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))

EMOJI_RANGES = (
    (0x1F000, 0x1FAFF), (0x2600, 0x27BF), (0x2B00, 0x2BFF), (0x2300, 0x23FF), (0x3030, 0x303D),
)
SKIN_TONES = (0x1F3FB, 0x1F3FF)
REGIONAL = (0x1F1E6, 0x1F1FF)
ZWJ = "\u200d"

MEASURES = ("exclamations", "caps_ratio", "emoji", "hashtags", "mentions", "length", "sentence_words")


EXCLAMATION_RE = re.compile("[!！¡]")
EMOJI_RE = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in EMOJI_RANGES) + "]")
# Characters X counts twice: everything outside its light ranges.
X_HEAVY_RE = re.compile("[^" + "".join(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in X_LIGHT_RANGES) + "]")


def x_weights(ctx: Context) -> list[tuple[int, int, int]]:
    """(start, end, weight) of the stretches X weighs other than one per character."""
    text = ctx.post.text
    heavy = [] if text.isascii() else [(m.start(), m.end(), 2) for m in X_HEAVY_RE.finditer(text)]
    urls = [(e.start, e.end, X_URL_WEIGHT) for e in ctx.post.analysed.entities if e.kind == "url"]
    inside = [(s, e) for s, e, _ in urls]
    return sorted(urls + [h for h in heavy if not any(s <= h[0] < e for s, e in inside)])


def x_cut(ctx: Context, limit: float) -> tuple[int, int] | None:
    """Where X's count first passes `limit`, and the post's full count (None: it fits)."""
    text = ctx.post.text
    weights = x_weights(ctx)
    total = len(text) + sum(w - (e - s) for s, e, w in weights)
    if total <= limit:
        return None
    running, pos = 0, 0
    for start, end, weight in weights + [(len(text), len(text), 0)]:
        if running + (start - pos) > limit:
            return pos + int(limit - running), total
        running += start - pos
        if running + weight > limit:
            return start, total
        running += weight
        pos = end
    return len(text), total


def runs(text: str, positions: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """The counted stretches, neighbours joined when only spaces part them ('!!!', 'BIG SALE')."""
    out: list[list[int]] = []
    for start, end in positions:
        if out and not text[out[-1][1]:start].strip():
            out[-1][1] = end
        else:
            out.append([start, end])
    return tuple((start, end) for start, end in out)


class MetricMatcher:
    """Fires when the measure is above its threshold (a number, or one per platform)."""

    def __init__(self, measure: str, above: float | dict[str, float] | None) -> None:
        self.measure = measure
        self.above = above

    def triggers(self) -> None:
        return None

    def threshold(self, platform: str | None) -> float | None:
        if self.measure == "length":
            if isinstance(self.above, dict):
                return self.above.get(platform or "", self.above.get("default"))
            return self.above if self.above is not None else PLATFORM_LIMITS.get(platform or "")
        if isinstance(self.above, dict):
            return self.above.get(platform or "", self.above.get("default"))
        return self.above

    def find(self, ctx: Context) -> list[Hit]:
        limit = self.threshold(ctx.post.platform)
        if limit is None:
            return []
        return getattr(self, "_" + self.measure)(ctx, limit)

    def _spread(self, ctx: Context, positions: list[tuple[int, int]], limit: float) -> list[Hit]:
        if len(positions) <= limit:
            return []
        start, end = positions[0][0], positions[-1][1]
        return [Hit(start, end, ctx.post.sentence_of(start), value=len(positions), parts=runs(ctx.post.text, positions))]

    def _exclamations(self, ctx: Context, limit: float) -> list[Hit]:
        text = ctx.post.text
        return self._spread(ctx, [(m.start(), m.end()) for m in EXCLAMATION_RE.finditer(text)], limit)

    def _emoji(self, ctx: Context, limit: float) -> list[Hit]:
        text = ctx.post.text
        positions = []
        for m in EMOJI_RE.finditer(text) if not text.isascii() else ():
            i = m.start()
            cp = ord(text[i])
            if SKIN_TONES[0] <= cp <= SKIN_TONES[1] or (i and text[i - 1] == ZWJ):
                continue
            if REGIONAL[0] <= cp <= REGIONAL[1] and i and REGIONAL[0] <= ord(text[i - 1]) <= REGIONAL[1]:
                continue  # the second half of a flag
            positions.append((i, i + 1))
        return self._spread(ctx, positions, limit)

    def _entities(self, ctx: Context, kind: str, limit: float) -> list[Hit]:
        ents = [(e.start, e.end) for e in ctx.post.analysed.entities if e.kind == kind]
        return self._spread(ctx, ents, limit)

    def _hashtags(self, ctx: Context, limit: float) -> list[Hit]:
        return self._entities(ctx, "hashtag", limit)

    def _mentions(self, ctx: Context, limit: float) -> list[Hit]:
        return self._entities(ctx, "mention", limit)

    def _caps_ratio(self, ctx: Context, limit: float) -> list[Hit]:
        words = [t for t in ctx.post.tokens if len(t.text) >= 3 and t.text.isalpha()]
        if len(words) < 4:
            return []
        caps = [t for t in words if t.text.isupper()]
        ratio = len(caps) / len(words)
        if ratio <= limit:
            return []
        return [Hit(caps[0].start, caps[-1].end, caps[0].sent, value=round(ratio * 100),
                    parts=runs(ctx.post.text, [(t.start, t.end) for t in caps]))]

    def _length(self, ctx: Context, limit: float) -> list[Hit]:
        text = ctx.post.text
        if ctx.post.platform == "x":
            cut = x_cut(ctx, limit)
        else:
            cut = (int(limit), len(text)) if len(text) > limit else None
        if cut is None:
            return []
        start, total = cut
        hit = whole_post(ctx)
        return [Hit(start, max(start + 1, hit.end), ctx.post.sentence_of(start), value=total)]

    def _sentence_words(self, ctx: Context, limit: float) -> list[Hit]:
        counts: dict[int, list] = {}
        for tok in ctx.post.tokens:
            if tok.text.isalpha():
                counts.setdefault(tok.sent, []).append(tok)
        return [
            Hit(toks[0].start, toks[-1].end, sent, value=len(toks))
            for sent, toks in counts.items()
            if len(toks) > limit
        ]
