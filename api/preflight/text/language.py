"""Language of a whole post and of each sentence of a mixed-language post."""
from __future__ import annotations

import re
from functools import cached_property, lru_cache
from collections.abc import Callable

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from preflight.text.entities import BARE_DOMAIN_RE, BARE_DOMAIN_TLDS, EMAIL_RE, HASHTAG_RE, MENTION_RE, URL_RE
from preflight.vocab import LANGUAGES

# Below these a guess is too often wrong to act on; chosen by bench/language_accuracy.py.
MIN_LETTERS = 4
MIN_CONFIDENCE = 0.5
MIN_SENTENCE_LETTERS = 8
MIN_SENTENCE_MARGIN = 0.3

# A sentence ends after terminal punctuation followed by whitespace, or at a line break;
# the whitespace stays with the sentence it follows so the spans tile the text.
_BREAK = re.compile(r"(?<![.!?…])[.!?…]+\s+|\n\s*")
# Digits, emoji, symbols, controls and lone surrogates say nothing about the language:
# everything but letters, combining marks and sentence punctuation becomes a space.
_NOT_WORDISH = re.compile(r"[^\w\u0300-\u036f.,!?…'’\-:;]|[\d_]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")
# Every sentence of every post is cleaned, most of them plain ASCII: for those, one table lookup per
# character does what the patterns above do (the tables are made from the patterns, so they agree).
_ASCII_NOT_WORDISH = {code: " " for code in range(128) if _NOT_WORDISH.match(chr(code))}
_ASCII_LATIN_LETTERS = bytes(code for code in range(128) if _LATIN_LETTER.match(chr(code)))
_DOTTED_TLDS = tuple(f".{tld}" for tld in BARE_DOMAIN_TLDS)
SENTENCE_CACHE = 20_000


def split_camel_case(word: str) -> str:
    """Put spaces between the words of a CamelCase hashtag body: WhyIStayed -> Why I Stayed."""
    out = []
    for i, ch in enumerate(word):
        if i and ch.isupper() and _starts_word(word, i):
            out.append(" ")
        out.append(ch)
    return "".join(out)


def _starts_word(word: str, i: int) -> bool:
    before = word[i - 1]
    after = word[i + 1] if i + 1 < len(word) else ""
    return before.islower() or (before.isupper() and after.islower())


def strip_noise(text: str) -> str:
    """The words of a text without URLs, e-mail addresses, mentions, emoji, digits or '#'."""
    # Each pattern runs only over a text holding what it cannot match without: most sentences have no
    # address, link, mention or hashtag, and a test for a character costs far less than a scan with look-behinds.
    if "@" in text:
        text = EMAIL_RE.sub(" ", text)
    if "://" in text or "www." in text.lower():
        text = URL_RE.sub(" ", text)
    if any(tld in text for tld in _DOTTED_TLDS):
        text = BARE_DOMAIN_RE.sub(" ", text)
    if "@" in text:
        text = MENTION_RE.sub(" ", text)
    if "#" in text or "＃" in text:
        text = HASHTAG_RE.sub(lambda m: " " + split_camel_case(m.group(1).replace("_", " ")) + " ", text)
    text = text.translate(_ASCII_NOT_WORDISH) if text.isascii() else _NOT_WORDISH.sub(" ", text)
    # str.split() and the pattern \s agree on what white space is.
    return " ".join(text.split())


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans that tile the text; a piece without letters joins its neighbour."""
    if not text:
        return []
    cuts = [m.end() for m in _BREAK.finditer(text) if m.end() < len(text)]
    spans: list[tuple[int, int]] = []
    worded: list[bool] = []
    for start, end in zip([0, *cuts], [*cuts, len(text)]):
        has_letters = any(ch.isalpha() for ch in text[start:end])
        # Emoji after the full stop or a line of hashtag-free symbols is not a sentence of its own.
        if spans and not (has_letters and worded[-1]):
            spans[-1] = (spans[-1][0], end)
            worded[-1] = worded[-1] or has_letters
        else:
            spans.append((start, end))
            worded.append(has_letters)
    return spans


def latin_letters(text: str) -> int:
    """How many letters of the text are Latin script."""
    # All supported languages are written in Latin script; Arabic or Cyrillic is none of them.
    if text.isascii():
        return len(text) - len(text.encode("ascii").translate(None, _ASCII_LATIN_LETTERS))
    return len(_LATIN_LETTER.findall(text))


def pick_sentence_language(
    words: str,
    fallback: str,
    rank: Callable[[str], dict[str, float]],
    min_letters: int = MIN_SENTENCE_LETTERS,
    margin: float = MIN_SENTENCE_MARGIN,
) -> str:
    """The most likely language of a cleaned sentence, or `fallback` when it is too short or unclear."""
    if latin_letters(words) < min_letters:
        return fallback
    return choose(rank(words), fallback, margin)


def choose(ranked: dict[str, float], fallback: str, margin: float = MIN_SENTENCE_MARGIN) -> str:
    """The best-ranked language, unless it does not clearly beat `fallback`."""
    best = max(ranked, key=ranked.__getitem__, default=fallback)
    # Leave the post's language only when the sentence is clearly more likely another one.
    if ranked.get(best, 0.0) - ranked.get(fallback, 0.0) < margin:
        return fallback
    return best


def vote(ranked: list[tuple[int, dict[str, float]]]) -> str | None:
    """The post's language from its sentences' rankings, weighted by their letters."""
    scores: dict[str, float] = {}
    letters = 0
    for count, ranks in ranked:
        if not ranks:
            continue
        letters += count
        for language, probability in ranks.items():
            scores[language] = scores.get(language, 0.0) + count * probability
    if letters < MIN_LETTERS or not scores:
        return None
    best = max(scores, key=scores.__getitem__)
    return best if scores[best] / letters >= MIN_CONFIDENCE else None


class LanguageDetector:
    """Detects which of the supported languages a post, or each of its sentences, is in."""

    def __init__(self, languages: tuple[str, ...] = LANGUAGES) -> None:
        self.languages = tuple(languages)
        # An editor's draft is checked again after every pause in typing, and a back
        # catalogue repeats its sentences: most sentences have been seen before.
        self._ranked = lru_cache(maxsize=SENTENCE_CACHE)(self._rank_sentence)

    @cached_property
    def _langid(self) -> LanguageIdentifier:
        # Loaded on first use: a post of one sentence in a language given needs no detection.
        # An instance of our own: py3langid's module-level set_languages would be shared state.
        identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        identifier.set_languages(list(self.languages))
        return identifier

    def detect(self, text: str) -> tuple[str | None, float]:
        """The most likely language and its confidence, or (None, 0.0) when it can't tell."""
        words = strip_noise(text)
        if latin_letters(words) < MIN_LETTERS:
            return None, 0.0
        language, confidence = self._langid.rank(words)[0]
        if confidence < MIN_CONFIDENCE:
            return None, 0.0
        return language, min(confidence, 1.0)

    def sentences(self, text: str, fallback: str) -> list[tuple[int, int, str]]:
        """(start, end, language) per sentence, `fallback` where a sentence is too short or unclear."""
        return self.resolve(text, fallback, fallback)[1]

    def resolve(self, text: str, language: str, default: str) -> tuple[str, list[tuple[int, int, str]]]:
        """The post's language (detected for "auto", else `default`) and each sentence's.

        A post of one sentence is in the post's language by definition; in a longer
        post the sentences' rankings also decide the post's language, so no text is
        ranked twice.
        """
        spans = sentence_spans(text)
        if len(spans) <= 1:
            post = language if language != "auto" else (self.detect(text)[0] or default)
            return post, [(0, len(text), post)] if spans else []
        ranked = [self._ranked(text[start:end]) for start, end in spans]
        if language == "auto":
            language = vote(ranked) or self.detect(text)[0] or default
        return language, [(start, end, choose(ranks, language)) for (start, end), (_, ranks) in zip(spans, ranked)]

    def forget(self) -> None:
        """Empty the sentence cache (benchmarks measure a new post every time)."""
        self._ranked.cache_clear()

    def _rank_sentence(self, sentence: str) -> tuple[int, dict[str, float]]:
        """Latin letters of a sentence and its ranking (empty when too short to tell)."""
        words = strip_noise(sentence)
        letters = latin_letters(words)
        return letters, (self._rank(words) if letters >= MIN_SENTENCE_LETTERS else {})

    def _rank(self, words: str) -> dict[str, float]:
        return dict(self._langid.rank(words))
