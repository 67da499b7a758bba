"""One post prepared for matching: tokens, sentences and languages, in original offsets."""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from spacy.attrs import IDX, LENGTH

from preflight.text.forms import LEET, chunk_form, fold
from preflight.text.normalize import Analysed

# Chunks made of one character each, like "s h i t", are read as one word when
# at least this many stand in a row; longer runs are cut to keep the work bounded.
SPACED_LETTERS_MIN = 3
SPACED_RUN_MAX = 24
CHUNK_RE = re.compile(r"\S+")
# Signs that a word may be disguised: a digit or symbol between letters ("sh1t", "s.h.i.t"),
# leetspeak before a letter ("@ss", "$hit"), three single characters in a row ("s h i t"),
# a letter typed three times ("shiiit"), a hyphen, dot or apostrophe that some languages' tokenizers
# keep on the word ("retard-", "-retard", ".shit"), a mask or separator left at a word's end
# ("shit*") or any sign before one ("*shit", ".Fan").
# A post without any of them reads the same de-obfuscated, so that layer is skipped.
# Every sign but the single characters lies inside one whitespace-separated chunk (no class here matches
# white space, and a chunk's edges are white space or the text's ends, as the look-arounds ask), so it is
# looked for per chunk, and a chunk seen before costs a lookup: the same words come back in post after post.
WORD_HINT = re.compile(
    r"[^\W\d_](?:[^\w\s]|[\d_])+[^\W\d_]"
    r"|[^\W\d_][^\w\s]*-[^\w\s]*(?!\S)|(?<!\S)[^\w\s]*[-.'’][^\W\d_]"
    r"|[^\W\d_][-_*'’`·•~^/\\]+(?!\w)|(?<!\S)[^\w\s]+[^\W\d_]"
    r"|(?<!\S)[\d@$!|€¡+]+[^\W\d_]"
    r"|([^\W\d_])\1\1"
)
# Three single characters in a row: two chunks of one character (and signs) each, then a chunk that starts
# with one character standing alone.
SINGLE_CHUNK = re.compile(r"\w[^\w\s]*")
LONE_START = re.compile(r"\w(?!\w)")
CHUNK_HINTS = 200_000


@dataclass(slots=True)
class Token:
    """A word or punctuation mark: original span, analysis text and folded form."""

    start: int
    end: int
    text: str
    form: str
    lang: str
    sent: int
    alt: str | None = None  # the form with stretched letters collapsed ("shiiit" -> "shit")


@dataclass(slots=True)
class Post:
    """Everything the matchers read about one post."""

    analysed: Analysed
    tokens: list[Token]
    sentences: list[tuple[int, int, str]]
    language: str
    platform: str | None
    context: str
    today: date
    doc_cache: dict = field(default_factory=dict)
    _obfuscated: list[Token] | None = None
    _spaced: list[Token] | None = None
    _sentence_starts: list[int] | None = None
    _starts: list[int] | None = None

    @property
    def text(self) -> str:
        return self.analysed.original

    def sentence_of(self, offset: int) -> int:
        """Index of the sentence that holds an original offset."""
        if self._sentence_starts is None:
            self._sentence_starts = [s for s, _, _ in self.sentences]
        return max(0, bisect_right(self._sentence_starts, offset) - 1)

    def token_at(self, offset: int) -> int:
        """Index of the first token that starts at or after an original offset."""
        if self._starts is None:
            self._starts = [t.start for t in self.tokens]
        return bisect_right(self._starts, offset - 1)

    def obfuscated_tokens(self) -> list[Token]:
        """Whitespace-separated chunks with leetspeak, separators and stretching undone."""
        if self._obfuscated is None:
            self._obfuscated = build_obfuscated_tokens(self)
        return self._obfuscated

    def may_be_obfuscated(self) -> bool:
        """Whether any word could be disguised; if not, de-obfuscating changes nothing."""
        if any(e.kind == "mention" for e in self.analysed.entities):
            return True
        signs = [chunk_signs(chunk) for chunk in self.analysed.text.split()]
        return any(hint for hint, _, _ in signs) or any(
            a[1] and b[1] and c[2] for a, b, c in zip(signs, signs[1:], signs[2:]))

    def spaced_words(self) -> list[Token]:
        """Candidate words spelled out letter by letter, for single-word obfuscated terms."""
        if self._spaced is None:
            self._spaced = spaced_words(self.obfuscated_tokens())
        return self._spaced


@lru_cache(maxsize=CHUNK_HINTS)
def chunk_signs(chunk: str) -> tuple[bool, bool, bool]:
    """(holds a sign of disguise, is a single character, starts with one character standing alone) of one chunk."""
    return bool(WORD_HINT.search(chunk)), bool(SINGLE_CHUNK.fullmatch(chunk)), bool(LONE_START.match(chunk))


def build_tokens(analysed: Analysed, doc, sentences: list[tuple[int, int, str]]) -> list[Token]:
    """Tokens of the spaCy doc in original offsets, each tagged with its sentence's language."""
    starts = [s for s, _, _ in sentences]
    tokens = []
    to_start, to_end = analysed.src_start, analysed.src_end
    atext = analysed.text
    # Offsets come out of the Doc as one array: far cheaper than a Token object each.
    for a, length in doc.to_array([IDX, LENGTH]).tolist():
        text = atext[a:a + length]
        if not text or text.isspace():
            continue
        start, end = to_start[a], to_end[a + length - 1]
        if start >= end:
            continue
        sent = max(0, bisect_right(starts, start) - 1)
        lang = sentences[sent][2] if sentences else "en"
        tokens.append(Token(start, end, text, fold(text, lang), lang, sent))
    return tokens


def build_obfuscated_tokens(post: Post) -> list[Token]:
    analysed = post.analysed
    chunks: list[Token] = []
    for m in CHUNK_RE.finditer(analysed.text):
        chunk = m.group()
        pos = m.start()
        sent = post.sentence_of(analysed.src_start[pos])
        lang = post.sentences[sent][2] if post.sentences else post.language
        core_start, core_end, form, alt = chunk_form(chunk, lang)
        if core_start < core_end:
            start_o, end_o = analysed.to_original(pos + core_start, pos + core_end)
            if start_o < end_o:
                chunks.append(Token(start_o, end_o, chunk, form, lang, sent, alt))
    # Mentions are masked in the analysis text, but "@ss" is leetspeak as often as a handle.
    for ent in analysed.entities:
        if ent.kind == "mention":
            raw = analysed.original[ent.start:ent.end]
            sent = post.sentence_of(ent.start)
            lang = post.sentences[sent][2] if post.sentences else post.language
            _, _, form, alt = chunk_form(raw, lang)
            chunks.append(Token(ent.start, ent.end, raw, form, lang, sent, alt))
    chunks.sort(key=lambda t: t.start)
    return chunks


def spaced_words(chunks: list[Token]) -> list[Token]:
    """Words spelled out in single characters ("a s h i t"): every stretch of 3 or more.

    Which stretch is the word is not known ("a" may be an article), so each one is
    offered; only single-word terms are compared with them.
    """
    out: list[Token] = []
    run: list[Token] = []
    letters: list[str] = []
    for chunk in chunks + [None]:
        letter = _spaced_letter(chunk) if chunk is not None else ""
        if letter and (not run or run[-1].sent == chunk.sent):
            run.append(chunk)
            letters.append(letter)
            continue
        run, letters = run[:SPACED_RUN_MAX], letters[:SPACED_RUN_MAX]
        for i in range(len(run)):
            for j in range(i + SPACED_LETTERS_MIN, len(run) + 1):
                first, last = run[i], run[j - 1]
                form = "".join(letters[i:j])
                out.append(Token(first.start, last.end, form, form, first.lang, first.sent))
        run, letters = ([chunk], [letter]) if letter else ([], [])
    return out


def _spaced_letter(chunk: Token) -> str:
    """The letter a one-character chunk stands for; a digit too where leetspeak uses it ("s h 1 t")."""
    if len(chunk.form) == 1:
        return chunk.form
    if not chunk.form and len(chunk.text) == 1:
        return chunk.text.translate(LEET) if chunk.text.translate(LEET).isalpha() else ""
    return ""
