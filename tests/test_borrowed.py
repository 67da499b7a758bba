"""Borrowed terms: an `any` list applies in every language, except where its word is a native word."""
from __future__ import annotations

import pytest

from preflight.text.morphology import borrowed_here

PACK = """
id: borrowed
title: Borrowed
version: 1.0.0
rules:
  - id: swearing
    severity: block
    message: {en: "{match}", nl: "{match}", da: "{match}", sv: "{match}", de: "{match}"}
    match:
      phrase:
        any: [fuck, bullshit, fan, fart, fag, slut, dick]
        sv: [jävla]
      obfuscated: true
"""


@pytest.fixture()
def borrowed(pack_checker):
    return pack_checker(PACK)


def found(checker, text, language):
    return [f.span.text for f in checker.check(text, language=language).findings]


@pytest.mark.parametrize("text, language, word", [
    ("Fuck, wat een dag", "nl", "Fuck"),
    ("Sikke noget bullshit", "da", "bullshit"),
    ("Fucking jävla måndag", "sv", "Fucking"),  # inflected the English way
    ("Das ist doch bullsh1t", "de", "bullsh1t"),
    ("What a fuck-up", "en", "fuck"),
])
def test_a_borrowed_term_is_found_in_every_language(borrowed, text, language, word):
    assert word in found(borrowed, text, language)


@pytest.mark.parametrize("text, language", [
    ("Fan vad bra det blev", "sv"),  # the devil, a native curse, not the English "fan"
    ("Vi sætter farten op", "da"),  # speed
    ("Mit yndlingsfag er matematik", "da"),  # a school subject
    ("Det är slut på rean", "sv"),  # over
    ("Slut på lager", "da"),
    ("Die Jacke ist schön dick", "de"),  # thick
    ("Een dikke trui, lekker dick", "nl"),
])
def test_a_borrowed_term_that_is_a_native_word_is_left_alone(borrowed, text, language):
    assert found(borrowed, text, language) == []


def test_in_english_the_borrowed_list_is_the_english_list(borrowed):
    assert found(borrowed, "Our biggest fan", "en") == ["fan"]


def test_the_decision_compares_frequencies():
    assert borrowed_here("fuck", "da")  # Danish 4.8 against English 5.4
    assert not borrowed_here("fan", "sv")  # Swedish 5.9 against English 4.9
    assert borrowed_here("bullshit", "de")  # rare in German: always a loan
