"""The shared vocabularies reach every place that lists them: a language or platform added once works everywhere."""
from __future__ import annotations

import re

from preflight.images.messages import LANGUAGES as IMAGE_MESSAGE_LANGUAGES
from preflight.images.ocr import TESSERACT_LANGUAGES
from preflight.matchers.metric import PLATFORM_LIMITS
from preflight.vocab import LANGUAGES, PLATFORMS

from .conftest import ROOT


def constant(path: str, name: str) -> str:
    """The source of the JavaScript constant `name` in `path`, up to its closing bracket."""
    text = (ROOT / path).read_text(encoding="utf-8")
    return re.search(rf"const {name} = [^\n]*?([\[{{][^\]}}]*)", text).group(1)


def test_every_platform_has_a_length_limit():
    assert set(PLATFORM_LIMITS) == set(PLATFORMS)


def test_every_language_has_image_messages_and_an_ocr_language():
    assert set(IMAGE_MESSAGE_LANGUAGES) == set(LANGUAGES) == set(TESSERACT_LANGUAGES)


def test_the_extension_and_the_pages_offer_the_engine_s_languages():
    assert re.findall(r'"(\w+)"', constant("extension/shared/settings.js", "LANGUAGES")) == ["auto", *LANGUAGES]
    assert re.findall(r"(\w+):", constant("api/preflight/http/static/i18n.js", "LANGUAGES")) == list(LANGUAGES)
