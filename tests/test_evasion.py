"""Evasion: dropped, swapped and doubled letters, several masks, mixed tricks, and no real word hit."""
from __future__ import annotations

import pytest
from wordfreq import top_n_list

from preflight.matchers.classifier import ClassifierMatcher
from preflight.text.forms import collapse, fold
from preflight.text.morphology import Morphology, slips

PACK = """
id: disguised
title: Disguised
version: 1.0.0
rules:
  - id: listed
    severity: block
    message: {en: "{match}", nl: "{match}"}
    match:
      phrase:
        en: [retard, faggot, idiot, shit, fuck, fucking]
        nl: [kanker]
      obfuscated: true
    unless:
      phrase:
        en: [retrad]
      near: 0
"""
# Dictionary words per language; wordfreq's Danish list holds fewer than 30,000.
SAMPLE = 50_000
OFFENSIVE = "offensive-language"


@pytest.fixture()
def disguised(pack_checker):
    return pack_checker(PACK)


def found(checker, text, language="en"):
    return [f.span.text for f in checker.check(text, language=language).findings]


@pytest.mark.parametrize("text, word", [
    ("what a retrd", "retrd"),  # a letter dropped
    ("you faggt", "faggt"),
    ("such an idoit", "idoit"),  # two letters swapped
    ("total reatrd move", "reatrd"),
    ("retaard alert", "retaard"),  # a letter doubled
    ("r3tadr move", "r3tadr"),  # a slip and leetspeak in one word
])
def test_one_slip_in_a_long_term_is_undone(disguised, text, word):
    assert found(disguised, text) == [word]


def test_short_terms_and_the_rules_exceptions_take_no_slips(disguised):
    assert found(disguised, "fukc that") == []  # four letters: too close to other words
    assert found(disguised, "retrad it") == []  # on the rule's exceptions


def test_a_slip_that_is_a_word_of_the_language_is_that_word(disguised):
    assert "anker" not in slips("kanker", "nl")
    assert found(disguised, "Het anker ligt in de haven.", "nl") == []


@pytest.mark.parametrize("text, word", [
    ("f***ing hell", "f***ing"),  # three masks
    ("holy sh**", None),  # the last letter must show
    ("s h 1 t happens", "s h 1 t"),  # spaced letters with a digit
    ("ѕ.h.1.t happens", "ѕ.h.1.t"),  # look-alike letter, separators and a digit
    ("$-h-1-t happens", "$-h-1-t"),
    ("f.u.c.k.i.n.g great", "f.u.c.k.i.n.g"),
])
def test_mixed_tricks_in_one_word(disguised, text, word):
    assert found(disguised, text) == ([word] if word else [])


def test_a_mask_reads_as_the_likeliest_word(checker):
    report = checker.check("Who the f***ing cares", language="en")
    assert [(f.rule, f.span.text) for f in report.findings] == [("offensive-language/strong-profanity", "f***ing")]


def listed_words(checker, language: str) -> set[str]:
    """The offensive pack's terms that can apply in a language (its own and the borrowed ones), folded."""
    words: set[str] = set()

    def walk(node):
        for kind in ("phrase", "lemma"):
            for key, terms in (getattr(node, kind) or {}).items():
                for term in terms:
                    if key in (language, "any"):
                        words.add(fold(term, language))
        for child in (node.any or []) + (node.all or []):
            walk(child)

    for pack in checker.ruleset.packs:
        if pack.id == OFFENSIVE:
            for rule in pack.model.rules:
                walk(rule.match)
    return words


@pytest.mark.parametrize("language", ["en", "nl", "da", "sv", "de"])
def test_dictionary_words_are_only_hit_where_they_are_listed_words(checker, language, monkeypatch):
    """Real words of the language are never turned into hits by slips, compounds or borrowing.

    A word the pack lists may be hit, and so may its forms and compounds (they begin or
    end with a listed word, or its stem: "blatte" -> "blattar"); anything else is a false positive.
    """
    # The learned rule would score each 300-word list as one sentence through the sentence encoder, seconds
    # apiece and nearly all of this test's time; its findings are not word hits and no word rule depends on it.
    monkeypatch.setattr(ClassifierMatcher, "find", lambda self, ctx: [])
    terms = listed_words(checker, language)
    # The forms the engine makes of each listed word count as listed ("idioot" -> "idiote", "arsch" -> "ärsche").
    morphology = Morphology(checker.analyzer.pipelines)
    forms = {form for term in terms if " " not in term for form in morphology.inflections(term, language)}
    listed = {t[:-1] if len(t) > 4 and t[-1] in "aeo" else t for t in terms | forms}
    words = [w for w in top_n_list(language, SAMPLE) if w.isalpha() and len(w) > 1]
    wrong = set()
    for i in range(0, len(words), 300):
        text = " , ".join(words[i:i + 300])
        for finding in checker.check(text, language=language, mixed=False).findings:
            if finding.pack != OFFENSIVE:
                continue
            word = fold(finding.span.text, language)
            if not any(word.startswith(t) or word.endswith(t) or collapse(word) == t for t in listed):
                wrong.add(word)
    assert not wrong, f"dictionary words hit in {language}: {sorted(wrong)}"
