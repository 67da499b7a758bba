"""Hashtag segmentation: the word spans inside a hashtag body such as "WhyIStayed"."""
from __future__ import annotations

import hashlib
import marshal
import sys
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from preflight.cachefile import cache_dir, read_payload, stamp, write_payload
from preflight.vocab import LANGUAGES

# Brands mix English hashtags into posts in every language.
ENGLISH = "en"

# Costs are wordfreq centibels, 100 * -log10(frequency): adding costs multiplies probabilities.
# Only the most frequent words count: the rare tail is full of glued-together hashtags
# ("blackfriday", "weightloss") that would stop the segmenter from splitting them. English
# writes few compounds as one word, so it gets by with fewer (sizes chosen by measurement).
VOCABULARY_SIZE = 100_000
VOCABULARY_SIZES = {"en": 50_000}
MAX_WORD_LENGTH = 30
# English words are a little less likely than the language's own in a non-English post.
ENGLISH_PENALTY = 100
# An unknown piece costs more than most known words, and more the longer it is, so a run of
# known words beats one unknown blob, yet an unknown word is not cut into junk around a known one.
UNKNOWN_BASE = 500
UNKNOWN_PER_CHAR = 120
# Every extra word must pay its way, so "ai" does not become "a|i".
WORD_PENALTY = 200
# One-letter words that really occur inside hashtags; other letters would cut acronyms into junk.
SINGLE_LETTER_WORDS = {"en": "ai", "nl": "u", "da": "iå", "sv": "iåö", "de": ""}
# Shorter pieces are acronyms or brand names far more often than two words ("hema", not "he|ma");
# so are all-capital ones up to this length ("ADAC").
MIN_SEGMENTED_LENGTH = 5
MAX_ACRONYM_LENGTH = 5
# Segmenting is linear in a piece's length; longer pieces are spam and stay whole.
MAX_SEGMENTED_LENGTH = 64
CACHE_SIZE = 50_000
# A language's vocabulary as built from wordfreq's lists, kept in the cache directory: reading it back
# takes a quarter of the time of building it, and the server builds all five before it is ready.
STORED = b"preflight-hashtag-words\x01"

# Character kinds; CASED is the run group of upper- and lowercase letters together.
UPPER, LOWER, UNCASED, DIGIT, MARK, OTHER, CASED = range(7)


class HashtagSplitter:
    """Splits hashtag bodies into words; word frequencies load per language on first use."""

    def __init__(self, languages: tuple[str, ...] = LANGUAGES) -> None:
        from wordfreq import available_languages  # on first use: most posts have no hashtag

        available = available_languages()
        missing = sorted({lang for lang in (*languages, ENGLISH) if lang not in available})
        if missing:
            raise ValueError(f"no word frequencies for: {', '.join(missing)}")
        self.languages = tuple(languages)
        self._vocabularies: dict[str, dict[str, int]] = {}
        self._cached_split = lru_cache(maxsize=CACHE_SIZE)(self._split)

    def split(self, body: str, language: str) -> list[tuple[int, int]]:
        """Word spans of a hashtag body without its "#", as (start, end) offsets into `body`."""
        return list(self._cached_split(body, language))

    def _vocabulary(self, language: str) -> dict[str, int]:
        """Word costs for hashtags in a language: its own words and English ones."""
        if language not in self.languages:
            language = ENGLISH
        if language not in self._vocabularies:
            self._vocabularies[language] = stored_vocabulary(language, lambda: self._load(language))
        return self._vocabularies[language]

    def _load(self, language: str) -> dict[str, int]:
        if language == ENGLISH:
            return load_costs(ENGLISH)
        combined = {word: cost + ENGLISH_PENALTY for word, cost in self._vocabulary(ENGLISH).items()}
        for word, cost in load_costs(language).items():
            combined[word] = min(cost, combined.get(word, cost))
        return combined

    def _split(self, body: str, language: str) -> tuple[tuple[int, int], ...]:
        spans: list[tuple[int, int]] = []
        for start, end, group in runs(body):
            if group == DIGIT:
                spans.append((start, end))
                continue
            vocabulary = self._vocabulary(language)
            pieces = case_pieces(body, start, end, vocabulary) if group == CASED else [(start, end)]
            for piece_start, piece_end in pieces:
                piece = body[piece_start:piece_end]
                spans.extend((piece_start + s, piece_start + e) for s, e in segment(piece, vocabulary))
        return tuple(spans)


def stored_vocabulary(language: str, build: Callable[[], dict[str, int]]) -> dict[str, int]:
    """The language's vocabulary from the cache directory, else `build()`, stored there for the next process.

    Named by this module's source, the word lists it is built from and the Python that wrote it (marshal's
    format is Python's own): any change there builds it anew.
    """
    from wordfreq import available_languages

    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(f"{sys.version_info[:2]}\0{marshal.version}\0".encode())
    for lang in sorted({language, ENGLISH}):
        digest.update(stamp(Path(available_languages()[lang])).encode())
    path = cache_dir() / f"hashtag-words-{language}-{digest.hexdigest()[:16]}.bin"
    payload = read_payload(path, STORED)
    if payload is not None:
        try:
            words = marshal.loads(payload)
        except (EOFError, ValueError, TypeError):
            words = None
        if isinstance(words, dict):
            return words
    words = build()
    write_payload(path, STORED, marshal.dumps(words), f"hashtag-words-{language}-*.bin", keep=2)
    return words


def load_costs(language: str) -> dict[str, int]:
    """The language's most frequent alphabetic words, each with its cost in centibels."""
    singles = SINGLE_LETTER_WORDS.get(language, "")
    from wordfreq import available_languages, read_cBpack

    costs: dict[str, int] = {}
    # Read the packed list directly: wordfreq's own loader caches the full list for good.
    for centibels, words in enumerate(read_cBpack(available_languages()[language])):
        for word in words:
            if len(word) <= MAX_WORD_LENGTH and word.isalpha() and (len(word) > 1 or word in singles):
                costs[word] = centibels
        if len(costs) >= VOCABULARY_SIZES.get(language, VOCABULARY_SIZE):
            break
    return costs


def char_kind(ch: str) -> int:
    """How a character takes part in a hashtag: cased letter, other letter, digit, mark or other."""
    if ch.isupper() or ch.istitle():
        return UPPER
    if ch.islower():
        return LOWER
    if ch.isalpha():
        return UNCASED
    if ch.isalnum():
        return DIGIT
    return MARK if is_mark(ch) else OTHER


def is_mark(ch: str) -> bool:
    """Whether a character is a combining mark, which belongs to the letter before it."""
    return unicodedata.category(ch)[0] == "M"


def runs(body: str) -> list[tuple[int, int, int]]:
    """Maximal runs of cased letters, other letters or digits, with their combining marks."""
    found: list[list[int]] = []
    for i, ch in enumerate(body):
        kind = char_kind(ch)
        group = CASED if kind in (UPPER, LOWER) else kind
        adjacent = bool(found) and found[-1][1] == i
        if adjacent and (kind == MARK or found[-1][2] == group):
            found[-1][1] = i + 1
        elif kind not in (MARK, OTHER):
            found.append([i, i + 1, group])
    return [(start, end, group) for start, end, group in found]


def case_pieces(body: str, start: int, end: int, vocabulary: dict[str, int]) -> list[tuple[int, int]]:
    """A run of cased letters cut where the case starts a new word: WhyIStayed -> Why|I|Stayed."""
    letters = [(i, kind) for i in range(start, end) if (kind := char_kind(body[i])) != MARK]
    cuts = [start]
    for n in range(1, len(letters)):
        (before, previous), (at, kind) = letters[n - 1], letters[n]
        if previous == LOWER and kind == UPPER:
            cuts.append(at)
        elif previous == UPPER and kind == LOWER and n > 1 and letters[n - 2][1] == UPPER:
            # An acronym ends one letter early ("IStayed"), except in a plural ("NFTs").
            if not (body[at] == "s" and n == len(letters) - 1):
                cuts.append(before)
    cuts.append(end)
    pieces = list(zip(cuts, cuts[1:]))
    if len(pieces) > 1 and pieces[0][1] - pieces[0][0] == 1 and letters[0][1] == LOWER:
        pieces = merge_prefix(body, pieces, vocabulary)
    return pieces


def merge_prefix(
    body: str, pieces: list[tuple[int, int]], vocabulary: dict[str, int]
) -> list[tuple[int, int]]:
    """Keep a one-letter brand prefix on its word when together they are likelier ("iPhone", "eBay")."""
    (start, cut), (_, end) = pieces[0], pieces[1]
    together = word_cost(fold(body[start:end]), vocabulary)
    apart = word_cost(fold(body[start:cut]), vocabulary) + word_cost(fold(body[cut:end]), vocabulary)
    return [(start, end), *pieces[2:]] if together < apart + WORD_PENALTY else pieces


def fold(text: str) -> str:
    """The form wordfreq lists a word under: case-folded and composed."""
    folded = text.casefold()
    return folded if folded.isascii() else unicodedata.normalize("NFC", folded)


def word_cost(key: str, vocabulary: dict[str, int]) -> int:
    """Centibel cost of one word; unknown words cost more the longer they are."""
    cost = vocabulary.get(key)
    return UNKNOWN_BASE + UNKNOWN_PER_CHAR * len(key) if cost is None else cost


def segment(piece: str, vocabulary: dict[str, int]) -> list[tuple[int, int]]:
    """Cheapest cut of a piece into words (Viterbi over word costs), as spans into the piece."""
    n = len(piece)
    acronym = piece.isupper() and n <= MAX_ACRONYM_LENGTH
    if acronym or not MIN_SEGMENTED_LENGTH <= n <= MAX_SEGMENTED_LENGTH:
        return [(0, n)]
    key = slicer(piece)
    best: list[int | None] = [0] + [None] * n
    back = [0] * (n + 1)
    for j in range(1, n + 1):
        if j < n and is_mark(piece[j]):
            continue  # a word never ends between a letter and its combining mark
        starts = range(max(0, j - MAX_WORD_LENGTH), j)
        if j == n and n > MAX_WORD_LENGTH:
            starts = [0, *starts]  # the whole piece always remains a candidate
        for i in starts:
            if best[i] is None:
                continue
            cost = best[i] + word_cost(key(i, j), vocabulary) + WORD_PENALTY
            if best[j] is None or cost < best[j]:
                best[j], back[j] = cost, i
    spans = []
    j = n
    while j > 0:
        spans.append((back[j], j))
        j = back[j]
    return spans[::-1]


def slicer(piece: str) -> Callable[[int, int], str]:
    """Folded text of piece[i:j], sliced from one folding when folding keeps character positions."""
    folded = piece.casefold()
    if len(folded) == len(piece) and (piece.isascii() or unicodedata.is_normalized("NFC", folded)):
        return lambda i, j: folded[i:j]
    return lambda i, j: fold(piece[i:j])
