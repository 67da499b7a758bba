"""LanguageTool matches as preflight findings: which categories are kept, their rule ids, spans in code points."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable

from preflight.text.entities import EMAIL_RE, HASHTAG_RE, MENTION_RE, URL_RE
from preflight.report import Finding, Span
from preflight.grammar.client import LanguageToolAnswer

PACK = "grammar"
MAX_SUGGESTIONS = 3
FALLBACK_MESSAGE = "LanguageTool reports a possible mistake here."

# LanguageTool category id → (preflight rule, severity), or None: dropped on purpose (the comment says why).
# Categories not listed are dropped too: a new LanguageTool category stays quiet until someone maps it.
# docs/wire-schema.md holds the same table; tests/test_grammar.py checks that the two agree.
CATEGORIES: dict[str, tuple[str, str] | None] = {
    "TYPOS": ("grammar/spelling", "info"),  # brand names and slang are unknown words: underline, do not warn
    "COMPOUNDING": ("grammar/spelling", "info"),  # "sales medewerker" for "salesmedewerker"
    "GRAMMAR": ("grammar/grammar", "warning"),
    "CONFUSED_WORDS": ("grammar/confused-words", "warning"),  # their/there: changes what the post says
    "FALSE_FRIENDS": ("grammar/confused-words", "warning"),
    "SEMANTICS": ("grammar/meaning", "warning"),  # a date that is not the weekday given: a wrong promotion
    "PUNCTUATION": ("grammar/punctuation", "info"),
    "MISC": ("grammar/other", "info"),  # repeated words, a/an
    "REPETITIONS": ("grammar/other", "info"),
    "TYPOGRAPHY": None,  # quotes, dashes and spaces: house style, and the platforms reflow whitespace
    "CASING": None,  # capitals: brand-tone/shouting owns them, and social copy lowercases on purpose
    "STYLE": None,  # wording and voice: brand-tone
    "REDUNDANCY": None,  # wording: brand-tone
    "PLAIN_ENGLISH": None,  # wording: brand-tone
    "COLLOQUIALISMS": None,  # colloquial is a choice of voice on social media: brand-tone
    "REGIONALISMS": None,  # which variant of a language: the brand's choice
    "GENDER_NEUTRALITY": None,  # a policy question for the packs (offensive-language), not grammar
    "WIKIPEDIA": None,  # rules for editing Wikipedia
}
# Rules dropped whatever their category: they restate brand-tone or misfire on social media posts.
DROPPED_RULES = frozenset({
    "WHITESPACE_RULE",  # repeated spaces
    "COMMA_PARENTHESIS_WHITESPACE",  # space before a comma
    "DOUBLE_PUNCTUATION",  # "!!": brand-tone/exclamation-overload
    "UNPAIRED_BRACKETS", "EN_UNPAIRED_BRACKETS", "EN_UNPAIRED_QUOTES",  # emoticons such as :)
    "PUNCTUATION_PARAGRAPH_END",  # posts often end without a full stop
    "UPPERCASE_SENTENCE_START",  # casing
})


def to_findings(answer: LanguageToolAnswer, text: str, language: str, sentences: list[tuple[int, int, str]]) -> list[Finding]:
    """Findings for the kept matches, with spans in code points of `text`."""
    start_of, end_of = code_point_offsets(text)
    # Hashtags, mentions and links read as misspelled words; a sentence in another language is not this one's grammar.
    ignored = [(m.start(), m.end()) for regex in (HASHTAG_RE, MENTION_RE, URL_RE, EMAIL_RE) for m in regex.finditer(text)]
    ignored += [(s, e) for s, e, lang in sentences if lang != language]
    findings = []
    for match in answer.matches:
        kept = CATEGORIES.get(match.category)
        if kept is None or match.rule_id in DROPPED_RULES or match.length == 0:
            continue
        start, end = start_of(match.offset), end_of(match.offset + match.length)
        if start >= end or any(s < end and start < e for s, e in ignored):
            continue
        rule, severity = kept
        findings.append(Finding(rule, PACK, severity, match.message or FALLBACK_MESSAGE, Span(start, end, text[start:end]),
                                match.replacements[:MAX_SUGGESTIONS], f"LanguageTool rule {match.rule_id}"))
    return findings


def code_point_offsets(text: str) -> tuple[Callable[[int], int], Callable[[int], int]]:
    """Maps from a UTF-16 offset to a code point offset: for a span's start (rounded down) and end (rounded up)."""
    if text.isascii() or max(text) <= "\uffff":
        return int, int
    starts, unit = [], 0  # the UTF-16 offset at which each code point starts
    for ch in text:
        starts.append(unit)
        unit += 2 if ord(ch) > 0xFFFF else 1
    return (lambda offset: bisect_right(starts, offset) - 1), (lambda offset: bisect_left(starts, offset))
