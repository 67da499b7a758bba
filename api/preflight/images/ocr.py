"""Text inside images: a cheap gate that says whether OCR is worth it, and Tesseract to read it."""
from __future__ import annotations

import functools
import glob
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from preflight.images.errors import OcrTimeout, OcrUnavailable
from preflight.images.fingerprint import analysis_gray

TESSERACT_LANGUAGES = {"en": "eng", "nl": "nld", "da": "dan", "sv": "swe", "de": "deu"}
_GATE_SIDE = 480
# Text is strokes of a morphological gradient at least this strong (grey levels), letter-sized blobs in a row of
# at least this many, with at most this share of busy pixels around the row (see _beyond_busy_share; None: any
# background). Grass, fur, masonry, rows of windows and crowds make rows of blobs too, but amid weaker edges of
# their own, where lettering on a card or a caption band stands on a plain background; lettering over a busy
# photograph is seen at the strongest contrast, which texture seldom reaches in a row.
_STROKE_LEVELS = ((48, 5, 0.15), (96, 4, 0.2), (160, 3, None))
# Pixels this close to a stroke (2 px) are its own soft edge (anti-aliasing, the blur of scaling), not background.
_STROKE_EDGE = cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5))
# Above this many candidate blobs the picture is texture (foliage, gravel), not lettering.
_MAX_GLYPHS = 1500
# Tesseract reads poorly past this size and slowly; larger images are scaled down first.
_OCR_SIDE = 2400
_MIN_CONFIDENCE = 30
# Lettering is read at about this height (pixels); larger letters are scaled down first, which costs Tesseract
# less time and no accuracy.
_OCR_LETTER_HEIGHT = 40
# Around the rows of lettering the gate found, this many of their heights are read too (accents, a line above).
_MARGIN_LINES = 1.5


@dataclass(frozen=True)
class TextRegion:
    """Where the gate saw lettering: a band of the image (pixels of the image given) and the letters' height."""

    top: int
    bottom: int
    letter_height: float


def text_region(image: Image.Image) -> TextRegion | None:
    """The band of the image that probably carries lettering (rows of letter-sized high-contrast strokes), or None."""
    gray = analysis_gray(image, _GATE_SIDE)
    gradient = cv2.morphologyEx(gray, cv2.MORPH_GRADIENT, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3)))
    scale = image.height / gray.shape[0]
    # Lettering over a busy photo only stands apart from the photo's own edges at a higher contrast.
    for contrast, row, busy_share in _STROKE_LEVELS:
        found = _strokes_in_line(gradient, contrast, row, busy_share)
        if found is not None:
            top, bottom, height = found
            margin = _MARGIN_LINES * height
            return TextRegion(max(0, round((top - margin) * scale)),
                              min(image.height, round((bottom + margin) * scale)), height * scale)
    return None


def likely_has_text(image: Image.Image) -> bool:
    """Whether the image probably carries lettering."""
    return text_region(image) is not None


def _strokes_in_line(gradient: np.ndarray, contrast: int, row: int,
                     busy_share: float | None) -> tuple[float, float, float] | None:
    """(top, bottom, median letter height) of the lettering, when some blobs of strokes at least `contrast` stand in
    a row of at least `row` with at most `busy_share` of busy pixels around them."""
    strokes = (gradient >= contrast).astype(np.uint8)
    _, _, stats, _ = cv2.connectedComponentsWithStats(strokes, connectivity=8)
    left, top, width, height, area = (stats[1:, i] for i in range(5))
    # At this scale a word's letters often merge into one blob, so wide blobs count too.
    glyphs = (height >= 5) & (height <= 60) & (width >= 2) & (width <= 12 * height) & (area >= 0.15 * width * height)
    if glyphs.sum() < row or glyphs.sum() > _MAX_GLYPHS:
        return None
    left, top, width, height = left[glyphs], top[glyphs], width[glyphs], height[glyphs]
    members = _in_lines(left, top + height, height, left + width, row)
    excess = None
    if members.any() and busy_share is not None:
        # Only pictures with a row at all pay for looking at the background.
        excess = _beyond_busy_share(gradient, strokes, contrast, busy_share, left, top, width, height)
        members = _in_lines(left, top + height, height, left + width, row, excess)
    if not members.any():
        return None
    letter = float(np.median(height[members]))
    # Shorter lines of the same lettering ("Monday mood") make no long row of their own: pairs of blobs of its
    # size in a row count too, on a background as plain (else a caption band over grass would take in the grass).
    alike = (height >= 0.6 * letter) & (height <= 1.6 * letter)
    alike[alike] = _in_lines(left[alike], (top + height)[alike], height[alike], (left + width)[alike], 2,
                             None if excess is None else excess[alike])
    alike |= members
    return float(top[alike].min()), float((top + height)[alike].max()), letter


def _beyond_busy_share(gradient: np.ndarray, strokes: np.ndarray, contrast: int, busy_share: float,
                       left: np.ndarray, top: np.ndarray, width: np.ndarray, height: np.ndarray) -> np.ndarray:
    """For each blob, how many busy pixels lie around it beyond `busy_share` of the pixels there. Around means its
    box grown by half its height, away from the strokes; busy pixels have a gradient of a third of `contrast` or
    more. Negative: a plain background."""
    free = 1 - cv2.dilate(strokes, _STROKE_EDGE)
    busy = free & (gradient >= contrast / 3)
    rows, columns = gradient.shape
    margin = np.maximum(2, np.round(height / 2)).astype(int)
    x0, x1 = np.clip(left - margin, 0, columns), np.clip(left + width + margin, 0, columns)
    y0, y1 = np.clip(top - margin, 0, rows), np.clip(top + height + margin, 0, rows)
    busy_sum, free_sum = (table[y1, x1] - table[y0, x1] - table[y1, x0] + table[y0, x0]
                          for table in (cv2.integral(busy), cv2.integral(free)))
    return busy_sum - busy_share * free_sum


def _in_lines(lefts: np.ndarray, bottoms: np.ndarray, heights: np.ndarray, rights: np.ndarray, row: int,
              excess: np.ndarray | None = None) -> np.ndarray:
    """Which blobs are part of some `row` blobs following each other left to right on one baseline, at about one
    size (and, given each blob's busy pixels beyond the share allowed, `excess`, on a background plain enough)."""
    if len(lefts) < row:
        return np.zeros(len(lefts), bool)
    gap = lefts[None, :] - rights[:, None]
    follows = (gap >= -2) & (gap <= heights[:, None])
    follows &= np.abs(bottoms[None, :] - bottoms[:, None]) <= np.maximum(2, heights[:, None] // 5)
    ratio = heights[None, :] / heights[:, None]
    follows &= (ratio >= 0.6) & (ratio <= 1.6)
    np.fill_diagonal(follows, False)
    count = len(lefts)
    successor = np.where(follows.any(axis=1), follows.argmax(axis=1), count)
    successor = np.append(successor, count)
    reach = np.arange(count + 1)
    for _ in range(row - 1):
        reach = successor[reach]
    starts = np.flatnonzero(reach[:count] < count)
    if excess is not None:
        # Summed over the row: one letter by a photograph's edge, above a caption band, does not undo the rest.
        in_row = np.zeros(len(starts))
        step = starts
        for _ in range(row):
            in_row += excess[step]
            step = successor[step]
        starts = starts[in_row <= 0]
    members = np.zeros(count + 1, bool)
    step = starts
    for _ in range(row):
        members[step] = True
        step = successor[step]
    return members[:count]


@dataclass(frozen=True)
class OcrText:
    """What Tesseract read: the text (words joined by spaces, lines by newlines) and each word's box."""

    text: str
    words: tuple[tuple[int, int, tuple[int, int, int, int]], ...]

    def box_for(self, start: int, end: int) -> tuple[int, int, int, int] | None:
        """The box (x, y, w, h, in image pixels) around the words that the span start..end touches."""
        boxes = [box for s, e, box in self.words if s < end and e > start]
        if not boxes:
            return None
        left = min(b[0] for b in boxes)
        top = min(b[1] for b in boxes)
        right = max(b[0] + b[2] for b in boxes)
        bottom = max(b[1] + b[3] for b in boxes)
        return (left, top, right - left, bottom - top)


# Where the Debian, Ubuntu, Fedora, Arch and Homebrew packages put Tesseract's language data; TESSDATA_PREFIX,
# when set, comes first. tesserocr's wheel bundles its own libtesseract, whose built-in path is none of these.
_TESSDATA_PLACES = ("/usr/share/tesseract-ocr/*/tessdata", "/usr/share/tessdata", "/usr/local/share/tessdata",
                    "/opt/homebrew/share/tessdata")
# One engine per thread and language set: a PyTessBaseAPI is not thread-safe, and making one (loading the
# language models) costs about as much as reading a caption, so each is kept for the thread's next image.
_engines = threading.local()


@functools.cache
def _tessdata() -> tuple[str, frozenset[str]]:
    """The language data directory and the languages in it."""
    # A build of tesserocr against a system libtesseract with OpenMP would spread one image over threads whose
    # waiting costs more than it saves when other requests keep the cores busy (0.66–0.74 of the time with one
    # thread on the image bench's lettered pictures); OpenMP reads the limit when it is loaded, with tesserocr.
    # A deployment's own setting is kept. (The PyPI wheel's libtesseract has no OpenMP.)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        import tesserocr
    except ImportError as exc:
        raise OcrUnavailable("Tesseract (tesserocr) is not installed, so text inside images is not read") from exc
    prefix = os.environ.get("TESSDATA_PREFIX")
    places = ([prefix, os.path.join(prefix, "tessdata")] if prefix else []) + sorted(
        (found for pattern in _TESSDATA_PLACES for found in glob.glob(pattern)), reverse=True)
    for place in filter(os.path.isdir, places):
        path, languages = tesserocr.get_languages(os.path.join(place, ""))
        if languages:
            return path, frozenset(languages)
    raise OcrUnavailable("no Tesseract language data is installed (Debian: tesseract-ocr-eng), so text inside "
                         "images is not read")


def _engine(codes: str):
    """This thread's Tesseract for the languages `codes` ("eng+nld"), made on first use."""
    from tesserocr import OEM, PSM, PyTessBaseAPI

    engines = _engines.__dict__.setdefault("by_languages", {})
    if codes not in engines:
        # The settings of the tesseract command line's defaults: automatic page segmentation, the default engine.
        engines[codes] = PyTessBaseAPI(path=_tessdata()[0], lang=codes, psm=PSM.AUTO, oem=OEM.DEFAULT)
    return engines[codes]


def read_text(image: Image.Image, languages: list[str], budget_seconds: float,
              region: TextRegion | None = None) -> OcrText:
    """Read the text in `image` (only its `region`, when given) with Tesseract in the given languages (en, nl,
    da, sv, de); the words' boxes are in the pixels of `image`."""
    source, scale, top = ocr_input(image, region)
    engine = _engine("+".join(ocr_languages(languages)))
    rgb = source.convert("RGB")
    # Raw pixels, without a resolution, as the tesseract command got them from a PNG: Tesseract then estimates the
    # resolution from the letters. (With tesserocr's SetImage the picture comes with a resolution, and noisy
    # lettering on photographs is read differently from before.)
    engine.SetImageBytes(rgb.tobytes(), rgb.width, rgb.height, 3, 3 * rgb.width)
    try:
        # The budget stops recognition, the bulk of the time, where Tesseract checks it (between words); the page
        # layout analysis before it is not interruptible, and _OCR_SIDE and the gate's band bound its input. A
        # timeout of 0 would mean none, hence at least 1 ms.
        if not engine.Recognize(timeout=max(1, round(budget_seconds * 1000))):
            raise OcrTimeout(budget_seconds)
        return assemble(_words(engine), scale, top)
    finally:
        engine.Clear()  # the image and its results are not kept with the engine


def ocr_languages(languages: list[str]) -> list[str]:
    """Tesseract's codes for the languages (en, nl, ...) whose data is installed; English when none is."""
    installed = _tessdata()[1]
    codes = [TESSERACT_LANGUAGES[lang] for lang in languages if TESSERACT_LANGUAGES.get(lang) in installed]
    if not codes:
        codes = ["eng"] if "eng" in installed else []
    if not codes:
        raise OcrUnavailable("no Tesseract language data for " + ", ".join(languages or ["en"]))
    return codes


def ocr_input(image: Image.Image, region: TextRegion | None) -> tuple[Image.Image, float, int]:
    """The picture Tesseract reads (the region's band, scaled down to readable letters), its scale and its top."""
    top = 0
    if region is not None:
        image, top = image.crop((0, region.top, image.width, region.bottom)), region.top
    scale = min(1.0, _OCR_SIDE / max(image.size),
                _OCR_LETTER_HEIGHT / region.letter_height if region is not None else 1.0)
    source = image if scale == 1.0 else image.resize((max(1, round(image.width * scale)),
                                                      max(1, round(image.height * scale))))
    return source, scale, top


Word = tuple[str, float, int, tuple[int, int, int, int]]


def _words(engine) -> Iterator[Word]:
    """(text, confidence, line number, (left, top, width, height)) of each word Tesseract read."""
    from tesserocr import RIL, iterate_level

    iterator = engine.GetIterator()
    if iterator is None:
        return
    line = 0
    for word in iterate_level(iterator, RIL.WORD):
        if word.IsAtBeginningOf(RIL.TEXTLINE):
            line += 1
        box = word.BoundingBox(RIL.WORD)
        if box is not None:
            left, y, right, bottom = box
            yield word.GetUTF8Text(RIL.WORD) or "", word.Confidence(RIL.WORD), line, (left, y, right - left, bottom - y)


def assemble(words: Iterable[Word], scale: float, top: int = 0) -> OcrText:
    """Join Tesseract's words into lines, remembering where each word sits in the text."""
    parts: list[str] = []
    boxes = []
    length = 0
    previous_line = None
    for word, confidence, line, box in words:
        word = word.strip()
        if not word or confidence < _MIN_CONFIDENCE:
            continue
        if parts:
            parts.append(" " if line == previous_line else "\n")
            length += 1
        previous_line = line
        left, y, width, height = (round(v / scale) for v in box)
        boxes.append((length, length + len(word), (left, y + top, width, height)))
        parts.append(word)
        length += len(word)
    return OcrText("".join(parts), tuple(boxes))
