"""Small JPEG previews of reference images, for showing what a finding matched."""
from __future__ import annotations

import io

from PIL import Image


def thumbnail_jpeg(image: Image.Image, size: int = 160, quality: int = 80) -> bytes:
    """A JPEG no larger than size × size, keeping the aspect ratio."""
    copy = image.convert("RGB")
    copy.thumbnail((size, size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()
