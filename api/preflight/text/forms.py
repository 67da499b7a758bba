"""Token forms that matching compares: folded, de-obfuscated and de-stretched."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters that are letters of their own in a language, not accented variants:
# folding them would confuse Swedish "får" (sheep) with "far" (father).
PROTECTED_LETTERS = {
    "en": "",
    "nl": "",
    "da": "æøå",
    "sv": "åäö",
    "de": "äöü",
}

# Digits and symbols that stand in for letters in leetspeak.
LEET = str.maketrans({
    "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
    "@": "a", "$": "s", "!": "i", "|": "l", "€": "e", "+": "t", "¡": "i",
})
# Characters that obfuscators put between letters ("s.h.i.t", "f_u_c_k").
INNER_SEPARATORS = re.compile(r"[.\-_*'’`\"·•~^,:;/\\]+")
STRETCH = re.compile(r"(\w)\1{2,}")
REPEAT = re.compile(r"(\w)\1+")
APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})


@lru_cache(maxsize=200_000)
def fold(token: str, language: str) -> str:
    """Case- and diacritics-insensitive form of a token, keeping the language's own letters."""
    lowered = token.casefold().translate(APOSTROPHES)
    if lowered.isascii():
        return lowered
    keep = PROTECTED_LETTERS.get(language, "")
    out = []
    for ch in lowered:
        if ch in keep or ch.isascii():
            out.append(ch)
            continue
        out.append("".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c)))
    return unicodedata.normalize("NFC", "".join(out))


OUTER_PUNCTUATION = ".,;:?()[]{}\"'«»“”„"


def core_bounds(chunk: str) -> tuple[int, int]:
    """Where the word inside a chunk starts and ends, without the punctuation around it."""
    start = len(chunk) - len(chunk.lstrip(OUTER_PUNCTUATION))
    end = len(chunk.rstrip(OUTER_PUNCTUATION))
    trimmed = chunk[start:end].rstrip("!")
    if trimmed:
        end = start + len(trimmed)
    return start, max(start, end)


@lru_cache(maxsize=100_000)
def deobfuscate(chunk: str, language: str) -> str:
    """Undo leetspeak and inner separators: "sh1t", "@ss", "s.h.i.t" all give "shit"."""
    start, end = core_bounds(chunk)
    core = chunk[start:end]
    if not any(ch.isalpha() for ch in core):
        return ""
    return fold(INNER_SEPARATORS.sub("", core).translate(LEET), language)


@lru_cache(maxsize=100_000)
def chunk_form(chunk: str, language: str) -> tuple[int, int, str, str | None]:
    """Where the word in a chunk is, its de-obfuscated form, and that form de-stretched."""
    start, end = core_bounds(chunk)
    form = deobfuscate(chunk, language)
    return start, end, form, destretch(form)


def destretch(form: str) -> str | None:
    """The form with repeated letters collapsed, if a letter was stretched ("shiiiit")."""
    if not STRETCH.search(form):
        return None
    return REPEAT.sub(r"\1", form)


def collapse(form: str) -> str:
    """Every run of a repeated letter collapsed to one, for comparing with destretched forms."""
    return REPEAT.sub(r"\1", form)
