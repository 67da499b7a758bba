"""Language detection of whole posts and of each sentence of mixed-language posts."""
from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from preflight.text.language import LanguageDetector, strip_noise

LANGUAGES = ("en", "nl", "da", "sv", "de")


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector(LANGUAGES)


def languages_of(detector: LanguageDetector, text: str, fallback: str) -> list[str]:
    return [lang for _, _, lang in detector.sentences(text, fallback)]


def assert_tiles(spans: list[tuple[int, int, str]], text: str) -> None:
    """Consecutive spans cover the text from 0 to len(text), with no gap, overlap or empty span."""
    bounds = [(start, end) for start, end, _ in spans]
    assert [start for start, _ in bounds] == [0, *(end for _, end in bounds)][: len(bounds)]
    assert (bounds[-1][1] if bounds else 0) == len(text)
    assert all(start < end for start, end in bounds)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Thanks for the shoutout @mikeruns, we love seeing the shoes out on the trails 🙌", "en"),
        ("Flash sale ends at midnight, grab 30% off with code FALL30 👉 https://shop.example.com/sale", "en"),
        ("Hoi @lisa_v, wat vervelend dat je pakketje nog niet binnen is, stuur je ons even een DM?", "nl"),
        ("Morgen zijn we gesloten vanwege Koningsdag 🧡 #koningsdag", "nl"),
        ("Tusind tak for de 50.000 følgere, det havde vi aldrig klaret uden jer 💙", "da"),
        ("Ja, den er helt vegansk og glutenfri 🌱", "da"),
        ("Ja, den är helt vegansk och glutenfri 🌱", "sv"),
        ("Tack för idag, vi ses imorgon i montern!", "sv"),
        ("Morgen ist unser Laden wegen Inventur geschlossen.", "de"),
        ("Schreib uns an service@marke.de, damit wir das klären können 🙏", "de"),
    ],
)
def test_detects_the_language_of_a_short_post(detector, text, language):
    found, confidence = detector.detect(text)
    assert found == language
    assert 0.5 <= confidence <= 1.0


@pytest.mark.parametrize(
    "text",
    ["", "🎉🎉🔥😍", "2024 10:30 +45 12345678", "@brand_dk https://brand.dk/sale", "Ja!", "مرحبا بكم في متجرنا الجديد"],
)
def test_cannot_tell_without_enough_latin_words(detector, text):
    assert detector.detect(text) == (None, 0.0)


def test_hashtags_count_as_words_but_mentions_urls_and_emoji_do_not():
    cleaned = strip_noise("@Sofie_K #WhyIStayed 🎉 mail info@brand.dk or see www.brand.dk/faq #BCorp 2024")
    assert cleaned == "Why I Stayed mail or see B Corp"


def test_danish_post_with_an_english_slogan_is_split_by_language(detector):
    text = "Vores nye vinterkollektion er landet i alle butikker. Stay warm, stay wild! ❄️"
    spans = detector.sentences(text, "da")
    assert [(text[s:e], lang) for s, e, lang in spans] == [
        ("Vores nye vinterkollektion er landet i alle butikker. ", "da"),
        ("Stay warm, stay wild! ❄️", "en"),
    ]


def test_english_slogan_before_a_line_break_is_english(detector):
    text = "Tusind tak til alle, der kom forbi standen i weekenden 🙏\nSee you next year at Roskilde!"
    assert languages_of(detector, text, "da") == ["da", "en"]


def test_dutch_reply_quoting_an_english_hashtag_stays_dutch(detector):
    text = "Wat een goed initiatief, wij doen dit jaar ook mee aan #GivingTuesday!"
    assert languages_of(detector, text, "nl") == ["nl"]


def test_swedish_sentence_in_a_danish_post_is_swedish(detector):
    text = (
        "Vi holder åbent hele julen i alle vores danske butikker. "
        "I Sverige har vi öppet som vanligt under hela julen."
    )
    assert languages_of(detector, text, "da") == ["da", "sv"]


def test_too_short_sentence_takes_the_post_language(detector):
    text = "Wow. Vores nye kollektion er landet i alle butikker!"
    assert languages_of(detector, text, "da") == ["da", "da"]


def test_sentence_without_words_takes_the_post_language(detector):
    assert languages_of(detector, "🎉🎉🎉 12.000", "sv") == ["sv"]


def test_spans_tile_a_multiline_post_exactly(detector):
    text = "\n  Nu släpper vi vårkollektionen!  🌸\n\nSpring is in the air… Shop now?! #spring\n"
    spans = detector.sentences(text, "sv")
    assert_tiles(spans, text)
    assert [text[s:e] for s, e, _ in spans] == [
        "\n  Nu släpper vi vårkollektionen!  🌸\n\n",
        "Spring is in the air… ",
        "Shop now?! ",
        "#spring\n",
    ]


def test_no_sentences_in_empty_text(detector):
    assert detector.sentences("", "en") == []


@pytest.mark.parametrize(
    "text",
    [
        "\ud800",
        "a\udfffb. \ud83d",
        "\x00\x07\x1b\u2028\u2029\x85",
        "😀" * 10_000,
        "שלום עולם. مرحبا بالعالم!",
        ". ! ? …\n",
    ],
)
def test_odd_input_never_raises(detector, text):
    spans = detector.sentences(text, "en")
    assert_tiles(spans, text)
    assert detector.detect(text)[0] in (None, *LANGUAGES)


@pytest.mark.parametrize("text", ["x" * 100_000, "!" * 100_000, "a@" * 50_000, "a-" * 50_000])
def test_a_maximum_length_text_is_answered_quickly(detector, text):
    # A pattern that rescans a long run from every position took ~50 s on "x" * 100_000.
    started = time.perf_counter()
    detector.sentences(text, "en")
    detector.detect(text)
    assert time.perf_counter() - started < 2


text_with_breaks = st.text(
    st.one_of(st.characters(exclude_categories=()), st.sampled_from(list(".!?…\n\r\t #@ Hej tak")))
)


@settings(max_examples=300, deadline=None)
@given(text=text_with_breaks)
def test_sentences_tile_any_text(detector, text):
    spans = detector.sentences(text, "da")
    assert_tiles(spans, text)
    assert {lang for _, _, lang in spans} <= set(LANGUAGES)
    assert detector.detect(text)[0] in (None, *LANGUAGES)
