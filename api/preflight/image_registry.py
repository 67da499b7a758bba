"""Registering reference images, and one process's search index kept in step with the registry."""
from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass

from .images.decode import DecodedImage, decode_image
from .images.errors import ImageError
from .images.fingerprint import Fingerprint, FingerprintFormatError, fingerprint
from .images.index import ReferenceIndex
from .images.thumbnail import thumbnail_jpeg

log = logging.getLogger("preflight.images")
# Thinner images (tracking pixels, rules, spacers) hold nothing to compare.
MIN_SIDE = 16


@dataclass(frozen=True)
class Prepared:
    """What the registry stores of one file, computed from its bytes."""

    sha256: str
    fingerprint: bytes
    thumbnail: bytes
    width: int
    height: int


def decode_comparable(data: bytes, *, max_bytes: int, max_pixels: int) -> DecodedImage:
    """Decode within the limits; ImageError also for an image too small to compare."""
    decoded = decode_image(data, max_bytes=max_bytes, max_pixels=max_pixels)
    if min(decoded.width, decoded.height) < MIN_SIDE:
        raise ImageError("image_too_small", f"the image is {decoded.width} × {decoded.height} pixels; "
                                            f"images under {MIN_SIDE} pixels on a side cannot be compared")
    return decoded


def prepare_reference(data: bytes, *, max_bytes: int, max_pixels: int) -> Prepared:
    """Decode, fingerprint and thumbnail one file; ImageError when it cannot be used."""
    decoded = decode_comparable(data, max_bytes=max_bytes, max_pixels=max_pixels)
    return Prepared(hashlib.sha256(data).hexdigest(), fingerprint(decoded.image).to_bytes(),
                    thumbnail_jpeg(decoded.image), decoded.width, decoded.height)


class LoadedIndex:
    """The references' fingerprints in memory; refresh() reads only what was added or removed since the last one."""

    def __init__(self, references) -> None:
        self._references = references
        self.index = ReferenceIndex()
        self._ids: set[int] = set()
        self._lock = threading.Lock()
        self.last_refresh_ms = 0.0

    def refresh(self) -> None:
        """Bring the index in step with the registry (the fingerprint of a stored reference never changes)."""
        with self._lock:
            started = time.perf_counter()
            stored = self._references.ids()
            for gone in self._ids - stored:
                self.index.remove(gone)
            added = stored - self._ids
            # The first load reads the table in order, which beats thousands of ids in IN lists.
            rows = self._references.fingerprints(None if not self._ids else added)
            for ref_id, blob in rows:
                if ref_id not in added:
                    continue
                try:
                    self.index.add(ref_id, Fingerprint.from_bytes(blob))
                except FingerprintFormatError as exc:  # written by another version: re-import that file
                    log.warning("reference %d has an unreadable fingerprint (%s); it is not matched", ref_id, exc)
            # A reference deleted meanwhile is in `stored` but not loaded: the next refresh removes nothing amiss.
            self._ids = stored
            self.last_refresh_ms = (time.perf_counter() - started) * 1000
