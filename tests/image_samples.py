"""Photographs for the image tests: scikit-image's bundled samples, read from the installed package."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from preflight.images.errors import OcrUnavailable
from preflight.images.ocr import ocr_languages

skimage_data = pytest.importorskip("skimage.data", reason="scikit-image (a test extra) provides the sample photos")
SAMPLES = Path(skimage_data.__file__).parent
REFERENCE_PHOTOS = ("astronaut.png", "coffee.png", "chelsea.png", "rocket.jpg")
UNRELATED_PHOTOS = ("motorcycle_left.png", "hubble_deep_field.jpg", "ihc.png", "retina.jpg")


def photo(name: str) -> Image.Image:
    """One bundled sample as RGB (the files ship inside the wheel; nothing is fetched)."""
    with Image.open(SAMPLES / name) as image:
        return image.convert("RGB")


def encode(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def tesseract_installed() -> bool:
    """Whether text inside images can be read here: tesserocr, and Tesseract's English data."""
    try:
        return "eng" in ocr_languages(["en"])
    except OcrUnavailable:
        return False


needs_tesseract = pytest.mark.skipif(not tesseract_installed(),
                                     reason="Tesseract is not installed (tesserocr, and Debian's tesseract-ocr-eng)")
