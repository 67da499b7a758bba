"""Text inside images: the cheap gate, and Tesseract reading known text with word boxes."""
from __future__ import annotations

import shutil

import pytest
from PIL import Image, ImageDraw, ImageFont

from .image_samples import REFERENCE_PHOTOS, UNRELATED_PHOTOS, photo
from preflight.images.errors import OcrTimeout
from preflight.images.ocr import likely_has_text, read_text
from preflight.images.variants import VARIANTS

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None,
                                     reason="Tesseract is not installed (Debian package tesseract-ocr)")


def quote_card(lines: list[str]) -> Image.Image:
    card = Image.new("RGB", (1080, 200 + 110 * len(lines)), (245, 235, 220))
    draw = ImageDraw.Draw(card)
    for i, line in enumerate(lines):
        draw.text((80, 100 + 110 * i), line, fill=(30, 30, 60), font=ImageFont.load_default(size=64))
    return card


def test_the_gate_sees_lettering_on_cards_captions_and_overlays():
    assert likely_has_text(quote_card(["Our cream never fails"]))
    assert likely_has_text(VARIANTS["caption-below"](photo("coffee.png")))
    assert likely_has_text(VARIANTS["overlay-text"](photo("astronaut.png")))


def test_the_gate_lets_most_plain_photos_through_without_ocr():
    plain = [likely_has_text(photo(name)) for name in REFERENCE_PHOTOS + UNRELATED_PHOTOS]
    assert sum(plain) <= 2


@pytest.mark.parametrize("name", ["grass.png", "gravel.png", "brick.png", "hubble_deep_field.jpg"])
def test_faint_texture_in_short_rows_is_not_taken_for_lettering(name):
    assert not likely_has_text(photo(name))


@pytest.mark.parametrize(("background", "ink"), [(230, 170), (40, 100)])
def test_faint_lettering_is_still_seen(background, ink):
    card = Image.new("RGB", (1080, 420), (background,) * 3)
    ImageDraw.Draw(card).text((80, 160), "Limited offer today", fill=(ink,) * 3, font=ImageFont.load_default(size=64))
    assert likely_has_text(card)


@needs_tesseract
def test_tesseract_reads_known_text_and_boxes_a_span():
    card = quote_card(["Guaranteed to cure", "back pain in 3 days"])
    read = read_text(card, ["en"], budget_seconds=20)
    assert read.text.split("\n") == ["Guaranteed to cure", "back pain in 3 days"]
    start = read.text.index("back pain")
    x, y, w, h = read.box_for(start, start + len("back pain"))
    assert 60 <= x <= 100 and 190 <= y <= 240 and 250 <= w <= 420 and 30 <= h <= 80
    assert read.box_for(len(read.text) + 5, len(read.text) + 9) is None


@needs_tesseract
def test_dutch_text_is_read_with_the_dutch_data():
    read = read_text(quote_card(["Gegarandeerd geen rugpijn"]), ["nl"], budget_seconds=20)
    assert read.text == "Gegarandeerd geen rugpijn"


@needs_tesseract
def test_a_budget_too_small_gives_a_timeout_error():
    with pytest.raises(OcrTimeout):
        read_text(quote_card(["Guaranteed to cure back pain"] * 8), ["en", "nl", "de"], budget_seconds=0.01)
