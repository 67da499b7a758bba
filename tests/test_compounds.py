"""Compounds: a term as the first or last part of a glued word, and the words that only look like one."""
from __future__ import annotations

import pytest

PACK = """
id: glued
title: Glued
version: 1.0.0
compound_exceptions:
  nl: [kankeronderzoek, kutter]
rules:
  - id: start
    severity: block
    message: {en: "{match}", nl: "{match}", da: "{match}", sv: "{match}", de: "{match}"}
    match:
      phrase:
        en: [shit, dick, ass, cunt]
        nl: [kut, kanker]
        da: [lort, pis]
        sv: [skit]
        de: [scheiß, schimm]
      compound: prefix
  - id: end
    severity: block
    message: {en: "{match}", de: "{match}", sv: "{match}"}
    match:
      phrase:
        en: [idiot]
        de: [idiot]
        sv: [idiot]
      compound: suffix
  - id: plain
    severity: block
    message: {nl: "{match}"}
    match:
      phrase:
        nl: [kut]
"""


@pytest.fixture()
def glued(pack_checker):
    return pack_checker(PACK)


def found(checker, text, language):
    return [(f.rule.split("/")[1], f.span.text) for f in checker.check(text, language=language).findings]


@pytest.mark.parametrize("text, language, rule, word", [
    ("What a shitshow", "en", "start", "shitshow"),
    ("Wat een kutweer vandaag", "nl", "start", "kutweer"),
    ("Die kankerwinkel weer", "nl", "start", "kankerwinkel"),
    ("Sikke noget lortevejr", "da", "start", "lortevejr"),  # linking -e-
    ("Vilket skitväder", "sv", "start", "skitväder"),
    ("So ein Scheißtag", "de", "start", "Scheißtag"),
    ("Du Arbeitsidiot", "de", "end", "Arbeitsidiot"),  # linking -s-
    ("Total bandidiot", "sv", "end", "bandidiot"),
])
def test_a_term_is_found_as_part_of_a_compound(glued, text, language, rule, word):
    assert (rule, word) in found(glued, text, language)


@pytest.mark.parametrize("text, language", [
    ("Dickens in Sussex, Scunthorpe next", "en"),  # a common word is no compound
    ("Our assessment is ready", "en"),  # "essment" is no word
    ("Steun het kankeronderzoek", "nl"),  # the pack's exceptions
    ("De kutter vaart uit om zes uur.", "nl"),
    ("Der Schimmel auf dem Hof heißt Luna.", "de"),
    ("Han har en pistol", "da"),  # "pis" + "tol": common word
    ("Golvet är skitigt", "sv"),  # the rest is too short to be a word
    ("A patriotic idiom", "en"),
])
def test_words_that_only_look_like_compounds_stay_clean(glued, text, language):
    assert [r for r in found(glued, text, language) if r[0] in ("start", "end")] == []


def test_without_the_option_only_whole_words_match(glued):
    assert found(glued, "Wat een kutweer", "nl") == [("start", "kutweer")]


def test_hashtags_are_split_before_compounds_are_looked_for(glued):
    assert any(word.startswith("#kut") or word == "kut" for _, word in found(glued, "Wat een dag #kutweer", "nl"))
