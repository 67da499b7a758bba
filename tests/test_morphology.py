"""Inflection: a term written once in its base form also matches its plurals and inflections."""
from __future__ import annotations

import pytest

from preflight.text.morphology import Morphology, endings

PACK = """
id: words
title: Words
version: 1.0.0
rules:
  - id: listed
    severity: block
    message: {en: "{match}", nl: "{match}", da: "{match}", sv: "{match}", de: "{match}"}
    match:
      phrase:
        en: [retard, twat, dumb question]
        nl: [mongool, eikel, kut]
        da: [spasser, idiot, lort]
        sv: [blatte, kuk, jävel]
        de: [spast, kanake, schwuchtel, verfickt, mist]
  - id: exact
    severity: block
    forms: exact
    message: {en: "{match}"}
    match:
      phrase:
        en: [moron]
  - id: lemma
    severity: block
    message: {en: "{match}"}
    match:
      lemma:
        en: [wanker]
"""


@pytest.fixture()
def words(pack_checker):
    return pack_checker(PACK)


def found(checker, text, language):
    report = checker.check(text, language=language)
    return [(f.rule.split("/")[1], f.span.text) for f in report.findings]


@pytest.mark.parametrize("text, language, word", [
    ("You retards again", "en", "retards"),
    ("That was retarded", "en", "retarded"),
    ("Two dumb questions", "en", "dumb questions"),
    ("Die mongolen weer", "nl", "mongolen"),
    ("Wat een eikels", "nl", "eikels"),
    ("Jullie eikeltjes", "nl", "eikeltjes"),
    ("De spassere igen", "da", "spassere"),
    ("Spasserne igen", "da", "Spasserne"),
    ("Idioterne har lukket", "da", "Idioterne"),
    ("Sikke noget lorten", "da", "lorten"),
    ("Blattarna igen", "sv", "Blattarna"),
    ("Kukarna", "sv", "Kukarna"),
    ("Jävlarna har stängt", "sv", "Jävlarna"),
    ("Die Spasten wieder", "de", "Spasten"),
    ("Die Kanaken wieder", "de", "Kanaken"),
    ("Diese Schwuchteln", "de", "Schwuchteln"),
    ("Die verfickten Preise", "de", "verfickten"),
])
def test_inflected_forms_match_in_every_language(words, text, language, word):
    assert ("listed", word) in found(words, text, language)


def test_forms_exact_opts_a_rule_out(words):
    assert found(words, "What a moron", "en") == [("exact", "moron")]
    assert found(words, "Such morons", "en") == []


def test_lemma_terms_take_generated_forms_too(words):
    assert ("lemma", "wankers") in found(words, "Total wankers", "en")


@pytest.mark.parametrize("text, language", [
    ("Vi spasserer en tur i parken.", "da"),  # to stroll, not the slur's plural
    ("Mister Smith kommt morgen.", "de"),  # "Mist" + "er" is a word of its own
    ("Hij liep weg met de eikelen van de boom.", "en"),
    ("Flame retardant fabric", "en"),
])
def test_a_generated_form_that_is_another_word_stays_clean(words, text, language):
    assert found(words, text, language) == []


def test_endings_follow_each_language():
    assert {"retards", "retarded", "retarding"} <= endings("retard", "en")
    assert {"idioten", "idiootje"} <= endings("idioot", "nl")
    assert {"spassere", "spasserne"} <= endings("spasser", "da")
    assert {"blattar", "blattarna"} <= endings("blatte", "sv")
    assert {"arschlöcher"} <= endings("arschloch", "de")
    assert endings("up", "en") == set()


def test_short_words_keep_only_forms_that_are_no_words(analyzer):
    morphology = Morphology(analyzer.pipelines)
    assert "monger" not in morphology.inflections("mong", "en")
    assert "fanor" not in morphology.inflections("fan", "sv")
    assert "mongs" in morphology.inflections("mong", "en")
