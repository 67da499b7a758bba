"""Hashtag segmentation: the words rules see inside a hashtag, in five languages."""
from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from preflight.text.hashtags import HashtagSplitter

LANGUAGES = ["en", "nl", "da", "sv", "de"]


@pytest.fixture(scope="module")
def splitter() -> HashtagSplitter:
    return HashtagSplitter()


def words(splitter: HashtagSplitter, body: str, language: str) -> list[str]:
    return [body[start:end] for start, end in splitter.split(body, language)]


@pytest.mark.parametrize(("body", "expected"), [
    ("WhyIStayed", ["Why", "I", "Stayed"]),
    ("IWD2026", ["IWD", "2026"]),
    ("iwd2026", ["iwd", "2026"]),
    ("iPhone15", ["iPhone", "15"]),
    ("eBay", ["eBay"]),
    ("black_friday", ["black", "friday"]),
    ("black-friday", ["black", "friday"]),
    ("BlackLivesMatter", ["Black", "Lives", "Matter"]),
    ("NFTs", ["NFTs"]),
    ("Covid19Vaccine", ["Covid", "19", "Vaccine"]),
    ("ad_2026", ["ad", "2026"]),
])
def test_case_separators_and_digits_split(splitter, body, expected):
    assert words(splitter, body, "en") == expected


@pytest.mark.parametrize(("language", "body", "expected"), [
    ("en", "womenbelonginthekitchen", ["women", "belong", "in", "the", "kitchen"]),
    ("en", "blackfriday", ["black", "friday"]),
    ("en", "BLACKFRIDAY", ["BLACK", "FRIDAY"]),
    ("en", "whyistayed", ["why", "i", "stayed"]),
    ("en", "killyourself", ["kill", "yourself"]),
    ("en", "weightlossjourney", ["weight", "loss", "journey"]),
    ("en", "scunthorpeunited", ["scunthorpe", "united"]),
    ("nl", "womenbelonginthekitchen", ["women", "belong", "in", "the", "kitchen"]),
    ("nl", "bedanktvoorjesteun", ["bedankt", "voor", "je", "steun"]),
    ("nl", "gratisverzending", ["gratis", "verzending"]),
    ("da", "glædeligjul", ["glædelig", "jul"]),
    ("da", "grønomstilling", ["grøn", "omstilling"]),
    ("sv", "godjul", ["god", "jul"]),
    ("sv", "snabbapengar", ["snabba", "pengar"]),
    ("de", "frohesneuesjahr", ["frohes", "neues", "jahr"]),
    ("de", "schnellabnehmen", ["schnell", "abnehmen"]),
    ("de", "GesundEssen", ["Gesund", "Essen"]),
])
def test_glued_words_are_found(splitter, language, body, expected):
    assert words(splitter, body, language) == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_english_hashtags_split_in_every_language(splitter, language):
    assert words(splitter, "blackfriday", language) == ["black", "friday"]
    assert words(splitter, "mentalhealth", language) == ["mental", "health"]


@pytest.mark.parametrize(("language", "body"), [
    ("nl", "gezondheid"),
    ("nl", "klimaatneutraal"),
    ("nl", "Gezondheid"),
    ("nl", "ziekenhuis"),
    ("nl", "zorgverzekering"),
    ("da", "bæredygtig"),
    ("da", "BÆREDYGTIG"),
    ("da", "bæredygtighed"),
    ("sv", "hållbarhet"),
    ("sv", "tillsammans"),
    ("de", "nachhaltig"),
    ("de", "nachhaltigkeit"),
    ("de", "klimaneutral"),
    ("de", "Straßenbahn"),
    ("en", "kitchen"),
    ("en", "assessment"),
    ("en", "scunthorpe"),
    ("en", "together"),
    ("en", "carpet"),
    ("en", "butterfly"),
    ("en", "ai"),
    ("en", "hema"),
    ("en", "ADAC"),
])
def test_real_words_stay_whole(splitter, language, body):
    assert words(splitter, body, language) == [body]


@pytest.mark.parametrize("language", LANGUAGES)
def test_therapist_is_not_the_rapist(splitter, language):
    assert words(splitter, "therapist", language) == ["therapist"]


def test_unsupported_language_segments_with_english(splitter):
    assert words(splitter, "blackfriday", "fr") == ["black", "friday"]


def test_combining_marks_stay_on_their_letter(splitter):
    assert words(splitter, "cafe\u0301", "en") == ["cafe\u0301"]
    assert words(splitter, "Cafe\u0301Culture", "en") == ["Cafe\u0301", "Culture"]


@pytest.mark.parametrize(("body", "expected"), [
    ("", []),
    ("2026", ["2026"]),
    ("😀", []),
    ("\ud800", []),
    ("\u0301", []),
    ("😀fun😀", ["fun"]),
    ("東京Tokyo", ["東京", "Tokyo"]),
    ("русскийязык", ["русскийязык"]),
])
def test_odd_bodies_do_not_break(splitter, body, expected):
    assert words(splitter, body, "en") == expected


def test_long_bodies_stay_fast(splitter):
    splitter.split("warmup", "nl")  # loading the word frequencies is not part of the per-call cost
    body = "_".join(["womenbelonginthekitchen" * 2] * 5 + ["xyz" * 70])
    started = time.perf_counter()
    spans = splitter.split(body, "nl")
    assert time.perf_counter() - started < 0.05
    assert spans[0][0] == 0 and spans[-1][1] == len(body)


def test_callers_cannot_corrupt_the_cache(splitter):
    splitter.split("blackfriday", "en").clear()
    assert words(splitter, "blackfriday", "en") == ["black", "friday"]


def test_unknown_languages_are_refused_at_construction():
    with pytest.raises(ValueError, match="xx"):
        HashtagSplitter(("en", "xx"))


FRAGMENTS = ["women", "Kitchen", "I", "IWD", "2026", "_", "bæredygtig", "e\u0301", "ß", "😀"]
bodies = st.one_of(
    st.text(),
    st.text(st.characters(codec=None, categories=["L", "M", "N", "Cs"])),
    st.lists(st.sampled_from(FRAGMENTS)).map("".join),
)


@settings(max_examples=500, deadline=None)
@given(body=bodies, language=st.sampled_from([*LANGUAGES, "fr"]))
def test_spans_are_ordered_words_inside_the_body(splitter, body, language):
    spans = splitter.split(body, language)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(body)
        previous_end = end
    covered = {i for start, end in spans for i in range(start, end)}
    assert all(i in covered for i, ch in enumerate(body) if ch.isalnum())


def test_stored_word_lists_split_as_the_built_ones_and_a_damaged_file_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(tmp_path))
    bodies = [("blackfriday", "en"), ("zomeruitverkoop", "nl"), ("WhyIStayed", "de")]
    built = [words(HashtagSplitter(), body, language) for body, language in bodies]
    assert built[0] == ["black", "friday"]
    assert [words(HashtagSplitter(), body, language) for body, language in bodies] == built
    stored = sorted(tmp_path.glob("hashtag-words-*"))
    assert [p.name.split("-")[2] for p in stored] == ["de", "en", "nl"]
    for path in stored:
        path.write_bytes(path.read_bytes()[:-3] + b"xyz")
    assert [words(HashtagSplitter(), body, language) for body, language in bodies] == built
    assert [words(HashtagSplitter(), body, language) for body, language in bodies] == built
