"""Global perceptual hashes: a 256-bit DCT hash of the picture and of its content without borders."""
from __future__ import annotations

import cv2
import numpy as np

HASH_BYTES = 32
_SIDE = 64
_LOW = 16
# A border row or column is "uniform" when it varies this little (grey levels, 0..255).
_BORDER_SPREAD = 10.0


def dct_hash(gray: np.ndarray) -> np.ndarray:
    """The 16×16 lowest DCT frequencies of a 64×64 copy, thresholded at their median: 32 bytes."""
    small = cv2.resize(gray, (_SIDE, _SIDE), interpolation=cv2.INTER_AREA).astype(np.float32)
    low = cv2.dct(small)[:_LOW, :_LOW].ravel()
    return np.packbits(low > np.median(low))


def trim_borders(gray: np.ndarray) -> np.ndarray:
    """Cut uniform bands (padding, letterboxing) from each side; the picture itself if little is left."""
    top, bottom, left, right = content_box(gray)
    return gray[top:bottom, left:right]


def content_box(gray: np.ndarray) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) of the picture inside uniform borders; the whole frame if little is left."""
    whole = (0, gray.shape[0], 0, gray.shape[1])
    rows = _content(gray, axis=1)
    cols = _content(gray, axis=0)
    if not rows.any() or not cols.any():
        return whole
    top, bottom = int(rows.argmax()), len(rows) - int(rows[::-1].argmax())
    left, right = int(cols.argmax()), len(cols) - int(cols[::-1].argmax())
    if (bottom - top) * (right - left) < 0.1 * gray.size:
        return whole
    return top, bottom, left, right


def _content(gray: np.ndarray, axis: int) -> np.ndarray:
    """For each row (axis=1) or column (axis=0): whether it differs from a uniform band of the corner colour."""
    values = gray.astype(np.int16)
    spread = values.max(axis=axis) - values.min(axis=axis)
    mean = values.mean(axis=axis)
    first, last = float(values[0, 0]), float(values[-1, -1])
    edge = np.where(np.arange(len(mean)) < len(mean) / 2, first, last)
    return (spread > 2 * _BORDER_SPREAD) | (np.abs(mean - edge) > _BORDER_SPREAD)

