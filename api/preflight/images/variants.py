"""Deterministic edits that copies of an image go through before they are posted, to test matching against."""
from __future__ import annotations

import io
import math
from collections.abc import Callable

from PIL import Image, ImageDraw, ImageEnhance, ImageFont, ImageOps

Variant = Callable[[Image.Image], Image.Image]


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=max(8, size))


def resize(factor: float) -> Variant:
    return lambda im: im.resize((max(8, round(im.width * factor)), max(8, round(im.height * factor))),
                                Image.Resampling.LANCZOS)


def resize_to(side: int) -> Variant:
    def apply(im: Image.Image) -> Image.Image:
        scale = side / max(im.size)
        return im.resize((round(im.width * scale), round(im.height * scale)), Image.Resampling.LANCZOS)
    return apply


def jpeg(quality: int) -> Variant:
    def apply(im: Image.Image) -> Image.Image:
        out = io.BytesIO()
        im.convert("RGB").save(out, "JPEG", quality=quality)
        return Image.open(io.BytesIO(out.getvalue())).convert("RGB")
    return apply


def crop(percent: float, anchor: tuple[float, float] = (0.5, 0.5)) -> Variant:
    """Keep (100 − percent) % of each side; anchor (0..1, 0..1) places the kept window."""
    def apply(im: Image.Image) -> Image.Image:
        keep_w, keep_h = round(im.width * (1 - percent / 100)), round(im.height * (1 - percent / 100))
        left, top = round((im.width - keep_w) * anchor[0]), round((im.height - keep_h) * anchor[1])
        return im.crop((left, top, left + keep_w, top + keep_h))
    return apply


def enhance(kind: type, factor: float) -> Variant:
    return lambda im: kind(im).enhance(factor)


def grayscale(im: Image.Image) -> Image.Image:
    return ImageOps.grayscale(im).convert("RGB")


def caption(position: str, text: str = "WHEN THE WEEKEND FINALLY ARRIVES") -> Variant:
    """A meme-style white band with black lettering above or below the picture."""
    def apply(im: Image.Image) -> Image.Image:
        band = max(24, im.height // 5)
        out = Image.new("RGB", (im.width, im.height + band), "white")
        out.paste(im, (0, band if position == "above" else 0))
        y = 0 if position == "above" else im.height
        font = _font(band // 3)
        ImageDraw.Draw(out).text((im.width // 2, y + band // 2), text, fill="black", font=font, anchor="mm")
        return out
    return apply


def overlay_text(im: Image.Image) -> Image.Image:
    """Large outlined lettering across the middle of the picture."""
    out = im.copy()
    font = _font(im.height // 9)
    ImageDraw.Draw(out).text((im.width // 2, im.height // 2), "SALE 50% OFF", fill="white", font=font,
                             anchor="mm", stroke_width=max(1, im.height // 150), stroke_fill="black")
    return out


def overlay_logo(im: Image.Image) -> Image.Image:
    """A solid badge with a brand name in the lower right corner."""
    out = im.copy()
    side = max(16, min(im.size) // 4)
    x, y = im.width - side - side // 6, im.height - side - side // 6
    draw = ImageDraw.Draw(out)
    draw.ellipse((x, y, x + side, y + side), fill=(200, 30, 40), outline="white", width=max(1, side // 20))
    draw.text((x + side // 2, y + side // 2), "ACME", fill="white", font=_font(side // 4), anchor="mm")
    return out


def pad_square(colour: str) -> Variant:
    def apply(im: Image.Image) -> Image.Image:
        side = max(im.size)
        out = Image.new("RGB", (side, side), colour)
        out.paste(im, ((side - im.width) // 2, (side - im.height) // 2))
        return out
    return apply


def screenshot(im: Image.Image) -> Image.Image:
    """The picture inside a phone-app screenshot: status bar, header, text, buttons, another post below."""
    width = 1080
    photo = im.resize((width - 80, round((width - 80) * im.height / im.width)), Image.Resampling.LANCZOS)
    height = 90 + 150 + 120 + photo.height + 160 + 400
    out = Image.new("RGB", (width, height), (250, 250, 250))
    draw = ImageDraw.Draw(out)
    draw.rectangle((0, 0, width, 90), fill=(20, 20, 20))
    draw.text((40, 45), "9:41", fill="white", font=_font(34), anchor="lm")
    draw.text((width - 40, 45), "87%", fill="white", font=_font(34), anchor="rm")
    draw.ellipse((40, 110, 150, 220), fill=(90, 140, 220))
    draw.text((180, 140), "someone_else", fill=(20, 20, 20), font=_font(40))
    draw.text((180, 190), "Sponsored · 2 h", fill=(120, 120, 120), font=_font(28))
    draw.text((40, 270), "Look what we found on our trip!", fill=(20, 20, 20), font=_font(36))
    top = 90 + 150 + 120
    out.paste(photo, (40, top))
    y = top + photo.height + 30
    for i, label in enumerate(("Like", "Comment", "Share")):
        draw.rounded_rectangle((40 + i * 340, y, 340 + i * 340, y + 90), radius=20, fill=(230, 230, 235))
        draw.text((190 + i * 340, y + 45), label, fill=(40, 40, 40), font=_font(34), anchor="mm")
    draw.rectangle((40, y + 160, width - 40, height - 20), fill=(210, 200, 190))
    return out


def rotate(degrees: float, filled: bool) -> Variant:
    """Rotate; `filled` keeps the whole picture with black corners, otherwise the largest upright crop."""
    def apply(im: Image.Image) -> Image.Image:
        if filled:
            return im.rotate(degrees, Image.Resampling.BICUBIC, expand=True, fillcolor=(0, 0, 0))
        turned = im.rotate(degrees, Image.Resampling.BICUBIC, expand=False)
        margin = abs(math.sin(math.radians(degrees)))
        dx, dy = round(im.height * margin), round(im.width * margin)
        return turned.crop((dx, dy, im.width - dx, im.height - dy))
    return apply


def combined(im: Image.Image) -> Image.Image:
    """Cropped 10 % off-centre, captioned below, then recompressed at JPEG quality 40."""
    return jpeg(40)(caption("below")(crop(10, (0.2, 0.7))(im)))


def small_repost(im: Image.Image) -> Image.Image:
    """A small repost: 300 px on its longer side, then cropped, captioned and recompressed (≈ 270 × 180 px)."""
    return combined(resize_to(300)(im))


VARIANTS: dict[str, Variant] = {
    "resize-0.5": resize(0.5),
    "resize-0.25": resize(0.25),
    "resize-1080": resize_to(1080),
    "jpeg-q30": jpeg(30),
    "jpeg-q10": jpeg(10),
    "crop-5": crop(5),
    "crop-10": crop(10),
    "crop-20": crop(20),
    "crop-10-offcentre": crop(10, (0.0, 0.0)),
    "crop-20-offcentre": crop(20, (1.0, 0.3)),
    "mirror": ImageOps.mirror,
    "brightness+30": enhance(ImageEnhance.Brightness, 1.3),
    "brightness-30": enhance(ImageEnhance.Brightness, 0.7),
    "contrast+": enhance(ImageEnhance.Contrast, 1.5),
    "contrast-": enhance(ImageEnhance.Contrast, 0.6),
    "grayscale": grayscale,
    "caption-above": caption("above"),
    "caption-below": caption("below"),
    "overlay-text": overlay_text,
    "overlay-logo": overlay_logo,
    "pad-square-white": pad_square("white"),
    "pad-square-black": pad_square("black"),
    "screenshot": screenshot,
    "rotate-2-filled": rotate(2, True),
    "rotate-5-filled": rotate(-5, True),
    "rotate-3-cropped": rotate(3, False),
    "rotate-5-cropped": rotate(-5, False),
    "crop+caption+jpeg": combined,
    "small-repost": small_repost,
}
