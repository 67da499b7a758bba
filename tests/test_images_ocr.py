"""Text inside images: the cheap gate, and Tesseract reading known text with word boxes."""
from __future__ import annotations

import dataclasses
import types
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from .image_samples import REFERENCE_PHOTOS, UNRELATED_PHOTOS, encode, needs_tesseract, photo
from preflight.images.check import ImageLimits, ImageSource
from preflight.images.errors import OcrTimeout
from preflight.images.index import ReferenceIndex
from preflight.images.ocr import likely_has_text, read_text, text_region
from preflight.pipeline import Attachment, Submission, check_post
from preflight.images.variants import VARIANTS


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


def texture(seed: int, blur: float, amplitude: float) -> Image.Image:
    """A grass- or gravel-like texture: seeded noise blurred to blobs of a few pixels around mid-grey, 720 px."""
    noise = cv2.GaussianBlur(np.random.default_rng(seed).normal(0, 1, (720, 720)), (0, 0), blur)
    return Image.fromarray(np.clip(128 + amplitude * noise / noise.std(), 0, 255).astype(np.uint8)).convert("RGB")


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(("blur", "amplitude"), [(1.5, 30), (2.0, 60)])
def test_rows_of_blobs_in_a_busy_texture_are_not_taken_for_lettering(seed, blur, amplitude):
    # Each of these has rows of letter-sized blobs (the gate sent all eight to OCR before it looked at the
    # background), but amid the texture's weaker edges, where lettering on a card stands on a plain ground.
    assert not likely_has_text(texture(seed, blur, amplitude))


def test_lettering_over_a_busy_texture_is_seen_on_a_plain_band_or_at_full_contrast():
    banded = texture(0, 1.5, 30)
    draw = ImageDraw.Draw(banded)
    draw.rectangle((0, 540, 720, 640), fill=(230, 230, 230))
    draw.text((40, 560), "Limited offer today", fill=(170, 170, 170), font=ImageFont.load_default(size=56))
    region = text_region(banded)
    # Faint (contrast 60), and only the band is taken, not the texture's pairs of blobs above it.
    assert region is not None and 480 <= region.top < 560 and 620 < region.bottom <= 720
    outlined = texture(0, 2.0, 60)
    ImageDraw.Draw(outlined).text((360, 360), "SALE 50% OFF", fill="white", font=ImageFont.load_default(size=80),
                                  anchor="mm", stroke_width=4, stroke_fill="black")
    region = text_region(outlined)
    assert region is not None and region.top < 340 and region.bottom > 380


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
def test_requests_reading_side_by_side_each_get_their_own_text():
    cards = {line: quote_card([line]) for line in ("Guaranteed to cure", "Gegarandeerd geen rugpijn")}
    jobs = [(line, language) for line, language in zip(cards, ("en", "nl"))] * 3
    with ThreadPoolExecutor(max_workers=3) as pool:
        read = list(pool.map(lambda job: read_text(cards[job[0]], [job[1]], budget_seconds=60).text, jobs))
    assert read == [line for line, _ in jobs]


@needs_tesseract
def test_a_budget_too_small_gives_a_timeout_error():
    with pytest.raises(OcrTimeout):
        read_text(quote_card(["Guaranteed to cure back pain"] * 8), ["en", "nl", "de"], budget_seconds=0.01)
    # The same Tesseract, stopped mid-image, reads the next image whole.
    read = read_text(quote_card(["Guaranteed to cure back pain"]), ["en", "nl", "de"], budget_seconds=60)
    assert read.text == "Guaranteed to cure back pain"


def captioned(text: str) -> Image.Image:
    """A photo with one line of lettering on a white band at its foot."""
    picture = photo("coffee.png").copy()
    ImageDraw.Draw(picture).rectangle((0, picture.height - 90, picture.width, picture.height), fill=(255, 255, 255))
    ImageDraw.Draw(picture).text((40, picture.height - 75), text, fill=(10, 10, 10),
                                 font=ImageFont.load_default(size=48))
    return picture


def test_the_gate_gives_the_band_of_the_lettering_and_its_height():
    picture = captioned("Cures back pain")
    region = text_region(picture)
    assert region is not None and picture.height - 140 <= region.top < region.bottom <= picture.height
    assert 20 <= region.letter_height <= 60
    assert text_region(photo("grass.png")) is None


@needs_tesseract
def test_only_the_band_is_read_and_its_boxes_are_in_the_pictures_pixels():
    picture = captioned("Cures back pain")
    read = read_text(picture, ["en"], budget_seconds=20, region=text_region(picture))
    assert read.text == "Cures back pain"
    start = read.text.index("back")
    x, y, w, h = read.box_for(start, start + 4)
    assert 120 <= x <= 350 and picture.height - 90 <= y <= picture.height - 20 and 10 <= h <= 70


@needs_tesseract
def test_past_the_requests_ocr_budget_images_are_listed_as_skipped(checker):
    cards = [quote_card([line]) for line in ("This shit is real", "Damn good coffee", "Shit happens")]
    limits = ImageLimits(max_bytes=20 << 20, max_pixels=50_000_000, ocr_seconds=60.0, ocr_images=2,
                         ocr_request_seconds=600.0)
    source = ImageSource(types.SimpleNamespace(index=ReferenceIndex()), dict, limits)
    checked = check_post(Submission("Monday", "en", images=tuple(Attachment(encode(c, "PNG")) for c in cards)),
                         checker, [source])
    assert {f.image for f in checked.findings if f.source == "ocr"} == {0, 1}  # the third, as profane, unread
    assert [(s["check"], s["image"]) for s in checked.skipped] == [("ocr", 2)]
    assert "OCR budget (2 images" in checked.skipped[0]["reason"]
    # A spent time budget counts the same way: no image is read, every one is listed.
    spent = ImageSource(types.SimpleNamespace(index=ReferenceIndex()), dict,
                        dataclasses.replace(limits, ocr_request_seconds=0.0))
    checked = check_post(Submission("Monday", "en", images=tuple(Attachment(encode(c, "PNG")) for c in cards)),
                         checker, [spent])
    assert [s["image"] for s in checked.skipped] == [0, 1, 2] and not any(f.source == "ocr" for f in checked.findings)
