"""Decode an uploaded image within explicit limits, into RGB pixels ready for checking."""
from __future__ import annotations

import functools
import io
import struct
import warnings
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from preflight.images.errors import ImageError

FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF", "HEIF", "AVIF")
SAMPLED_FRAMES = 4
# Seeking to frame n of a GIF decodes every frame before it, so sampling stays within the first ones.
SCANNED_FRAMES = 64
# Pixels decoded for one image, every decoded frame counted: a GIF of 64 frames of 4000 × 4000
# is a billion pixels to decode in a file under a megabyte. The first frame alone may use all
# of MAX_PIXELS; sampled frames come from what is left.
MAX_IMAGE_DECODED_PIXELS = 48_000_000
# The same over all the images of one request.
MAX_REQUEST_DECODED_PIXELS = 80_000_000
# Large JPEGs are decoded at a reduced scale (DCT draft mode), never below this long side.
DRAFT_SIDE = 1600
_LOAD_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError)


@dataclass(frozen=True)
class DecodedImage:
    """One decoded image: the upright RGB first frame, a few sampled frames and the original bytes."""

    image: Image.Image
    format: str
    width: int
    height: int
    data: bytes = field(repr=False)
    frames: tuple[Image.Image, ...] = field(default=(), repr=False)
    info: dict = field(default_factory=dict, repr=False)
    exif: Image.Exif | None = field(default=None, repr=False)


class PixelBudget:
    """Pixels that may still be decoded; one per request, shared by its images."""

    def __init__(self, pixels: int) -> None:
        self.remaining = pixels

    def spend(self, pixels: int) -> None:
        self.remaining -= pixels


@functools.cache
def _formats() -> tuple[str, ...]:
    """The accepted formats this installation decodes; HEIC/HEIF where pillow-heif is installed."""
    try:
        from pillow_heif import register_heif_opener
    except ImportError:
        pass
    else:
        register_heif_opener()
    Image.init()
    return tuple(f for f in FORMATS if f in Image.OPEN)


def decode_image(data: bytes, *, max_bytes: int, max_pixels: int, draft_side: int = DRAFT_SIDE,
                 budget: PixelBudget | None = None,
                 max_decoded_pixels: int = MAX_IMAGE_DECODED_PIXELS) -> DecodedImage:
    """Decode `data`, refusing oversize files and pixel bombs before any pixel is decoded.

    At most `max_decoded_pixels` are decoded, and no more than `budget` has left; an
    animation is sampled among as many of its first frames as that allows.
    """
    if len(data) > max_bytes:
        raise ImageError("image_too_large", f"the image is {len(data):,} bytes; the limit is {max_bytes:,} bytes")
    opened = _open(data, max_pixels)
    width, height = opened.size
    if width * height > max_pixels:
        raise ImageError("too_many_pixels",
                         f"the image is {width:,} × {height:,} pixels; the limit is {max_pixels:,} pixels")
    if width == 0 or height == 0:
        raise ImageError("not_an_image", "the image has no pixels")
    fmt = opened.format or "unknown"
    info = dict(opened.info)
    try:
        exif = opened.getexif()
        if opened.format == "JPEG" and max(width, height) > draft_side:
            # Pillow picks the smallest DCT scale that still covers the requested size in both directions.
            shrink = draft_side / max(width, height)
            opened.draft("RGB", (round(width * shrink), round(height * shrink)))
        frame_pixels = opened.size[0] * opened.size[1]
        per_image = max(max_decoded_pixels, max_pixels)
        allowed = per_image if budget is None else min(per_image, budget.remaining)
        if frame_pixels > allowed:
            raise ImageError("too_many_pixels", f"the image needs {frame_pixels:,} decoded pixels and only {allowed:,} "
                                                f"are left for this request: send fewer or smaller images")
        scanned = min(getattr(opened, "n_frames", 1), SCANNED_FRAMES, allowed // frame_pixels)
        frames = [_to_rgb(_upright(opened, exif))]
        frames += [_to_rgb(_upright(opened, exif)) for _ in _seek_sampled(opened, scanned)]
        if budget is not None:
            # Seeking to frame n of a GIF decodes every frame before it.
            budget.spend(frame_pixels * (opened.tell() + 1))
    except ImageError:
        raise
    except Image.DecompressionBombError as exc:
        raise ImageError("too_many_pixels", str(exc)) from exc
    except _LOAD_ERRORS as exc:
        raise ImageError("truncated_image", "the image data is incomplete or damaged and cannot be decoded") from exc
    return DecodedImage(image=frames[0], format=fmt, width=width, height=height, data=data,
                        frames=tuple(frames), info=info, exif=exif)


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """Read the header only; Pillow's own bomb check is kept as an error, never a warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return Image.open(io.BytesIO(data), formats=_formats())
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageError("too_many_pixels", f"the image has more pixels than the limit of {max_pixels:,}") from exc
        except UnidentifiedImageError:
            pass
        except _LOAD_ERRORS as exc:
            raise ImageError("truncated_image", "the image header is incomplete or damaged") from exc
        if _known_elsewhere(data):
            accepted = ", ".join(_formats())
            raise ImageError("unsupported_image", f"this image format is not supported; send one of {accepted}")
        raise ImageError("not_an_image", "the file is not an image")


def _known_elsewhere(data: bytes) -> bool:
    """Whether some other Pillow plugin recognises the header (a format we refuse, not garbage)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            Image.open(io.BytesIO(data)).close()
    except Exception:  # noqa: BLE001 - any failure here only means "not recognised"
        return False
    return True


def _seek_sampled(image: Image.Image, count: int):
    """Seek to a few frames spread over the first `count` of an animation, after the first; yields once per frame."""
    if count <= 1:
        return
    wanted = sorted({round(i * (count - 1) / (SAMPLED_FRAMES - 1)) for i in range(1, SAMPLED_FRAMES)})
    for index in wanted:
        image.seek(index)
        yield index


def _upright(image: Image.Image, exif: Image.Exif) -> Image.Image:
    """Apply the EXIF orientation (phone photos are stored sideways)."""
    image.load()
    if exif.get(0x0112, 1) in (1, None):
        return image.copy() if getattr(image, "n_frames", 1) > 1 else image
    return ImageOps.exif_transpose(image)


def _to_rgb(image: Image.Image) -> Image.Image:
    """8-bit RGB: 16-bit scaled down, CMYK converted, transparency flattened on white."""
    if image.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        image = _to_8bit(image)
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image if image.mode == "RGB" else image.convert("RGB")


def _to_8bit(image: Image.Image) -> Image.Image:
    """Scale a 16-bit or float greyscale image into 0..255 instead of clipping it."""
    values = np.asarray(image, dtype=np.float64)
    if image.mode == "F":
        low, high = float(values.min()), float(values.max())
        values = (values - low) / ((high - low) or 1.0) * 255.0
    else:
        values = values / 257.0 if values.max() <= 65535 else values / values.max() * 255.0
    return Image.fromarray(np.clip(values + 0.5, 0, 255).astype(np.uint8), "L")
