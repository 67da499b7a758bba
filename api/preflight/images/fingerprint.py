"""An image's fingerprint: global hashes for fast lookup plus keypoints for crops and framing."""
from __future__ import annotations

import struct
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from preflight.images.hashes import HASH_BYTES, dct_hash, trim_borders
from preflight.images.keypoints import FEATURES, QUERY_FEATURES, Keypoints, detect

VERSION = 1
ANALYSIS_SIDE = 640
# A query is analysed larger: in a screenshot or under a caption band the registered picture is only part of it.
QUERY_SIDE = 960
# A query whose shorter side is under this is enlarged to it (its longer side staying within QUERY_SIDE) before
# keypoints: on a small repost, ORB's patches and pyramid leave too few points that survive a crop and a caption.
UPSCALE_BELOW = 480
_MAGIC = b"PFIF"
_HEADER = struct.Struct("<4sBIIHHBHH")
# Positions are stored as 1/8 pixel fixed point in the analysis frame.
_POINT_SCALE = 8.0
# Order of the first rows of Fingerprint.hashes; any further rows are hashes of sub-windows.
HASH_KINDS = ("image", "trimmed", "mirror", "trimmed-mirror")
# Pictures with fewer keypoints than this (sky, fog, gradients) are too bland for the keypoint check to find
# a crop of them, so their fingerprint also carries hashes of windows at two scales and nine places.
BLAND = 200
_WINDOWS = tuple((scale, x, y) for scale in (0.9, 0.8) for x in (0.0, 0.5, 1.0) for y in (0.0, 0.5, 1.0))


class FingerprintFormatError(ValueError):
    """Stored fingerprint bytes are not in a format this version reads."""


@dataclass(frozen=True)
class Fingerprint:
    """Global hashes (rows of 32 bytes: HASH_KINDS, then windows), ORB keypoints of the picture and its mirror."""

    width: int
    height: int
    frame: tuple[int, int]
    hashes: np.ndarray
    keypoints: Keypoints
    mirror_keypoints: Keypoints

    def to_bytes(self) -> bytes:
        """A compact versioned binary form, for a BLOB column."""
        head = _HEADER.pack(_MAGIC, VERSION, self.width, self.height, self.frame[0], self.frame[1],
                            len(self.hashes), len(self.keypoints), len(self.mirror_keypoints))
        parts = [head, np.ascontiguousarray(self.hashes, np.uint8).tobytes()]
        for kp in (self.keypoints, self.mirror_keypoints):
            parts.append(np.round(kp.points * _POINT_SCALE).astype("<u2").tobytes())
            parts.append(kp.descriptors.tobytes())
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, data: bytes) -> Fingerprint:
        """Read what to_bytes wrote; FingerprintFormatError for anything else."""
        if len(data) < _HEADER.size:
            raise FingerprintFormatError("fingerprint too short")
        magic, version, width, height, fw, fh, n_hashes, n_points, n_mirror = _HEADER.unpack_from(data)
        if magic != _MAGIC or version != VERSION:
            raise FingerprintFormatError(f"not a version {VERSION} image fingerprint")
        expected = _HEADER.size + n_hashes * HASH_BYTES + (n_points + n_mirror) * (4 + 32)
        if len(data) != expected:
            raise FingerprintFormatError(f"fingerprint is {len(data)} bytes, expected {expected}")
        offset = _HEADER.size
        hashes = np.frombuffer(data, np.uint8, n_hashes * HASH_BYTES, offset).reshape(n_hashes, HASH_BYTES)
        offset += n_hashes * HASH_BYTES
        sets = []
        for count in (n_points, n_mirror):
            points = np.frombuffer(data, "<u2", count * 2, offset).reshape(count, 2).astype(np.float32) / _POINT_SCALE
            offset += count * 4
            descriptors = np.frombuffer(data, np.uint8, count * 32, offset).reshape(count, 32)
            offset += count * 32
            sets.append(Keypoints(points, descriptors))
        return cls(width, height, (fw, fh), hashes, sets[0], sets[1])


def analysis_gray(image: Image.Image, side: int = ANALYSIS_SIDE, upscale_below: int = 0) -> np.ndarray:
    """A greyscale copy no larger than `side` on its longer edge, enlarged to `upscale_below` on its shorter one."""
    # Box-reducing by a whole factor first keeps the colour conversion off most of a large image's pixels.
    factor = max(image.size) // side
    if factor >= 2:
        image = image.reduce(factor)
    gray = np.asarray(image.convert("L"))
    height, width = gray.shape
    scale = min(1.0, side / max(width, height))
    if min(width, height) < upscale_below:
        scale = min(side / max(width, height), upscale_below / min(width, height))
    if scale != 1:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    return np.ascontiguousarray(gray)


def fingerprint(image: Image.Image, features: int = FEATURES, side: int = ANALYSIS_SIDE,
                upscale_below: int = 0) -> Fingerprint:
    """Fingerprint a decoded RGB image (any size), as a reference is stored."""
    gray = analysis_gray(image, side, upscale_below)
    trimmed = trim_borders(gray)
    hashes = global_hashes(gray, trimmed)
    keypoints, mirror = detect(gray, features)
    if len(keypoints) < BLAND:
        hashes += [dct_hash(_window(trimmed, *window)) for window in _WINDOWS]
    return Fingerprint(image.width, image.height, (gray.shape[1], gray.shape[0]), np.stack(hashes), keypoints, mirror)


def global_hashes(gray: np.ndarray, trimmed: np.ndarray) -> list[np.ndarray]:
    """The rows of HASH_KINDS: the DCT hashes of the picture, its content without borders (trim_borders of it)
    and both their mirrors."""
    return [dct_hash(gray), dct_hash(trimmed), dct_hash(gray[:, ::-1]), dct_hash(trimmed[:, ::-1])]


def query_fingerprint(image: Image.Image, upscale_below: int = UPSCALE_BELOW) -> Fingerprint:
    """Fingerprint an image to search for: more keypoints than a reference holds, a small one enlarged first."""
    return fingerprint(image, QUERY_FEATURES, QUERY_SIDE, upscale_below)


def _window(gray: np.ndarray, scale: float, x: float, y: float) -> np.ndarray:
    """The window of `scale` × each side, placed at (x, y) from the top left (0) to the bottom right (1)."""
    height, width = gray.shape
    w, h = max(1, round(width * scale)), max(1, round(height * scale))
    left, top = round((width - w) * x), round((height - h) * y)
    return gray[top:top + h, left:left + w]
