"""Terms as the first or last part of a compound word: "kutweer", "Scheißtag", "lortevejr"."""
from __future__ import annotations

from preflight.text.morphology import common, zipf

# The rest of the compound must be a word of at least this many letters...
MIN_REMAINDER = 3
# ...that the language knows well (Zipf scale), so "assessment" is not "ass" + "essment".
REMAINDER_ZIPF = 2.5
# Letters that join the parts of a compound: German "Arbeitsidiot", Danish "lortevejr",
# Dutch "kankerende", Swedish "skitsnack" (none). English glues words without any.
LINKS = {
    "en": ("",),
    "nl": ("", "s", "e", "en"),
    "da": ("", "e", "s"),
    "sv": ("", "s", "a"),
    "de": ("", "s", "e", "n", "en", "er", "es"),
}
# Compound entries are found by the first or last letters of a word, never by scanning.
KEY_LETTERS = 3
PREFIX, SUFFIX, BOTH = "prefix", "suffix", "both"


class Compounds:
    """The compound-forming terms of one language, and the words that only look like compounds."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.links = LINKS.get(language, ("",))
        self._prefixes: dict[str, list[tuple[str, tuple, tuple[str, ...]]]] = {}
        self._suffixes: dict[str, list[tuple[str, tuple, tuple[str, ...]]]] = {}

    def add(self, word: str, mode: str, entry: tuple, stop: tuple[str, ...]) -> None:
        """Let a folded word start (prefix), end (suffix) or do either (both) a compound.

        `stop` lists words that begin with the term and are clean ("kankeronderzoek"):
        a stop word also keeps its longer forms clean ("kankeronderzoeken").
        """
        if len(word) < KEY_LETTERS:
            return
        if mode in (PREFIX, BOTH):
            self._prefixes.setdefault(word[:KEY_LETTERS], []).append((word, entry, stop))
        if mode in (SUFFIX, BOTH):
            self._suffixes.setdefault(word[-KEY_LETTERS:], []).append((word, entry, stop))

    def find(self, form: str) -> list[tuple]:
        """Who asked for a compound part in this folded token."""
        found = []
        for word, entry, stop in self._prefixes.get(form[:KEY_LETTERS], ()):
            if form.startswith(word) and self._splits(form, len(word), True) and not _stopped(form, stop):
                found.append(entry)
        for word, entry, stop in self._suffixes.get(form[-KEY_LETTERS:], ()):
            if form.endswith(word) and self._splits(form, len(word), False) and not _stopped(form, stop):
                found.append(entry)
        if found and common(form, self.language):
            # A common word is not a glued-up insult: "Dickens", "Schimmel", "pistol".
            return []
        return found

    def _splits(self, form: str, length: int, prefix: bool) -> bool:
        """Whether the rest of the word, without a linking element, is a word of its own."""
        rest = form[length:] if prefix else form[:-length]
        for link in self.links:
            if prefix and rest.startswith(link):
                part = rest[len(link):]
            elif not prefix and rest.endswith(link):
                part = rest[:len(rest) - len(link)]
            else:
                continue
            if len(part) >= MIN_REMAINDER and part.isalpha() and zipf(part, self.language) >= REMAINDER_ZIPF:
                return True
        return False


def _stopped(form: str, stop: tuple[str, ...]) -> bool:
    return any(form.startswith(word) for word in stop)
