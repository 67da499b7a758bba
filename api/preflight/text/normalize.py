"""Builds the analysis text that rules see, with a map back to the original offsets.

The analysis text is the submitted text after Unicode NFKC, removal of zero-width
characters, folding of homoglyphs (Cyrillic or Greek letters standing in for Latin
ones), expansion of hashtags into words, and masking of URLs, e-mail addresses and
@mentions. Every analysis character knows which original code points it came from,
so every finding can be reported in the coordinates of the text the editor typed.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

from preflight.text.entities import EMAIL_RE, HASHTAG_RE, MENTION_RE, URL_RE, URL_TRAILING

# Invisible characters that can split a word without the reader noticing.
ZERO_WIDTH = frozenset("\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff")

# Letters from other scripts that render like Latin letters ("scаm" with a Cyrillic а).
HOMOGLYPHS = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d",
    "ԛ": "q", "ԝ": "w", "һ": "h", "ɡ": "g", "ɑ": "a", "ı": "i",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J",
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K",
    "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}

# NFKC writes a few characters as many ("ﷺ" is 18 letters, a whole phrase): those stay as
# typed, or each would cost the work of a sentence. Ligatures and fractions ("ﬃ", "½") fold.
MAX_FOLDED = 4
SPECIAL_CHAR_RE = re.compile(r"[^\x20-\x7e\n]")
# spaCy's tokenizer strips prefixes and suffixes one at a time and searches the rest again
# each time: its work grows with the square of a run without spaces ("Sale!!!!…", 10,000
# emoji). No word is this long, so a longer run is cut, by a space that stands for no
# original character, preferably where letters meet signs.
MAX_RUN = 64
LONG_RUN_RE = re.compile(r"\S{%d,}" % (MAX_RUN + 1))


@dataclass(frozen=True, slots=True)
class Entity:
    """A URL, e-mail address, @mention or hashtag, in original offsets."""

    kind: str
    start: int
    end: int


@dataclass(slots=True)
class Analysed:
    """The analysis text, its map to original offsets, and the entities found."""

    original: str
    text: str
    src_start: list[int]
    src_end: list[int]
    entities: list[Entity]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map an analysis span [start, end) to the original code points it covers."""
        return self.src_start[start], self.src_end[end - 1]


def find_entities(text: str) -> list[Entity]:
    """URLs, e-mail addresses, @mentions and hashtags, without overlaps."""
    found: list[Entity] = []
    taken = bytearray(len(text))

    def add(kind: str, start: int, end: int) -> None:
        if any(taken[start:end]):
            return
        taken[start:end] = b"\x01" * (end - start)
        found.append(Entity(kind, start, end))

    if "http" in text or "www" in text or "HTTP" in text or "WWW" in text:
        for m in URL_RE.finditer(text):
            end = m.end()
            while end > m.start() + 1 and text[end - 1] in URL_TRAILING:
                end -= 1
            add("url", m.start(), end)
    if "@" in text:
        for m in EMAIL_RE.finditer(text):
            add("email", m.start(), m.end())
        for m in MENTION_RE.finditer(text):
            add("mention", m.start(), m.end())
    if "#" in text or "＃" in text:
        for m in HASHTAG_RE.finditer(text):
            add("hashtag", m.start(), m.end())
    found.sort(key=lambda e: e.start)
    return found


class CharFolder:
    """Folds one character at a time (NFKC, homoglyphs, zero-width) with a cache."""

    def __init__(self) -> None:
        self._cache: dict[str, str] = {}

    def fold(self, ch: str) -> str:
        out = self._cache.get(ch)
        if out is None:
            out = self._fold(ch)
            if len(self._cache) < 50_000:
                self._cache[ch] = out
        return out

    @staticmethod
    def _fold(ch: str) -> str:
        if ch in ZERO_WIDTH:
            return ""
        if "\ud800" <= ch <= "\udfff":
            # A lone surrogate cannot be encoded; the tokenizer would fail on it.
            return "\ufffd"
        if unicodedata.category(ch) == "Cc" and ch not in "\n\t\r":
            return " "
        folded = unicodedata.normalize("NFKC", ch)
        if len(folded) > MAX_FOLDED:
            folded = ch
        return "".join(HOMOGLYPHS.get(c, c) for c in folded)


def analyse_text(
    text: str,
    folder: CharFolder,
    split_hashtag: Callable[[str], list[tuple[int, int]]],
) -> Analysed:
    """Build the analysis text of `text`; hashtags are split into words by `split_hashtag`."""
    entities = find_entities(text)
    out: list[str] = []
    src_start: list[int] = []
    src_end: list[int] = []

    def emit(piece: str, start: int, end: int) -> None:
        for ch in piece:
            out.append(ch)
            src_start.append(start)
            src_end.append(end)

    def emit_plain(start: int, end: int) -> None:
        out.append(text[start:end])
        src_start.extend(range(start, end))
        src_end.extend(range(start + 1, end + 1))

    def emit_span(start: int, end: int) -> None:
        # Printable ASCII is already in its folded form: copy it in runs, fold the rest.
        pos = start
        for m in SPECIAL_CHAR_RE.finditer(text, start, end):
            if m.start() > pos:
                emit_plain(pos, m.start())
            i = m.start()
            emit(folder.fold(text[i]), i, i + 1)
            pos = i + 1
        if end > pos:
            emit_plain(pos, end)

    pos = 0
    for ent in entities:
        emit_span(pos, ent.start)
        if ent.kind == "hashtag":
            # "#WhyIStayed" becomes "# Why I Stayed": the mark stays a token of its own,
            # so a term "#ad" (analysed the same way) still only matches the hashtag.
            emit("#", ent.start, ent.start + 1)
            body_start = ent.start + 1
            for seg_start, seg_end in split_hashtag(text[body_start:ent.end]):
                emit(" ", body_start + seg_start, body_start + seg_start)
                emit_span(body_start + seg_start, body_start + seg_end)
        else:
            # Masked: rules for these entities read the original text instead.
            emit(" ", ent.start, ent.start)
        pos = ent.end
    emit_span(pos, len(text))
    return break_long_runs(Analysed(text, "".join(out), src_start, src_end, entities))


def break_long_runs(analysed: Analysed) -> Analysed:
    """The analysis text with no run of more than MAX_RUN characters without a space."""
    text = analysed.text
    cuts = [cut for m in LONG_RUN_RE.finditer(text) for cut in run_cuts(text, m.start(), m.end())]
    if not cuts:
        return analysed
    pieces: list[str] = []
    src_start: list[int] = []
    src_end: list[int] = []
    previous = 0
    for cut in cuts:
        at = analysed.src_start[cut]
        pieces += [text[previous:cut], " "]
        src_start += analysed.src_start[previous:cut] + [at]
        src_end += analysed.src_end[previous:cut] + [at]
        previous = cut
    pieces.append(text[previous:])
    src_start += analysed.src_start[previous:]
    src_end += analysed.src_end[previous:]
    return Analysed(analysed.original, "".join(pieces), src_start, src_end, analysed.entities)


def run_cuts(text: str, start: int, end: int) -> list[int]:
    """Where to cut the run text[start:end] so that no piece is longer than MAX_RUN."""
    cuts = []
    pos = start
    while end - pos > MAX_RUN:
        limit = pos + MAX_RUN
        lowest = pos + MAX_RUN // 2
        cut = next((k for k in range(limit, lowest, -1) if text[k - 1].isalnum() != text[k].isalnum()), None)
        if cut is None:
            # Not between a character and the mark or modifier that belongs to it.
            cut = next((k for k in range(limit, lowest, -1) if unicodedata.category(text[k])[0] != "M"
                        and unicodedata.category(text[k]) != "Sk"), limit)
        cuts.append(cut)
        pos = cut
    return cuts
