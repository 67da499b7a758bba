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
# Up to this many references the index is rebuilt within the refresh (well under a second on one core).
INLINE_REBUILD = 2000


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
    """The references' fingerprints in memory, and the search index built over them.

    refresh() reads only what was added or removed since the last one. Building the search structures
    takes seconds with tens of thousands of references, so beyond INLINE_REBUILD references a fresh index
    is built in a background thread while the current one keeps serving checks, then swapped in. A
    reference deleted meanwhile is not reported (checks read each match's row), a new one is matched
    once the build is done.
    """

    def __init__(self, references, inline_rebuild: int = INLINE_REBUILD) -> None:
        self._references = references
        self._inline_rebuild = inline_rebuild
        self.index = ReferenceIndex()
        self._fingerprints: dict[int, Fingerprint] = {}
        self._ids: set[int] = set()
        self._lock = threading.Lock()
        self._builder: threading.Thread | None = None
        self._stale = False
        # Which state of the registry an index was built from: a slower, older build never replaces a newer one.
        self._generation = 0
        self._served = 0

    def refresh(self, wait: bool = False) -> None:
        """Bring the index in step with the registry; `wait` for the new index even when it is large."""
        with self._lock:
            if not self._read_changes() and not (wait and self._served < self._generation):
                return
            inline = wait or len(self._fingerprints) <= self._inline_rebuild
            if not inline:
                self._stale = True
                if self._builder is None:
                    self._builder = threading.Thread(target=self._build_until_current, name="reference-index",
                                                     daemon=True)
                    self._builder.start()
                return
            entries, generation = dict(self._fingerprints), self._generation
        self._serve(build_index(entries), generation)

    def _serve(self, index: ReferenceIndex, generation: int) -> None:
        with self._lock:
            if generation > self._served:
                self.index, self._served = index, generation

    def _read_changes(self) -> bool:
        stored = self._references.ids()
        gone, added = self._ids - stored, stored - self._ids
        for ref_id in gone:
            self._fingerprints.pop(ref_id, None)
        # The first load reads the table in order, which beats thousands of ids in IN lists.
        for ref_id, blob in self._references.fingerprints(None if not self._ids else added):
            if ref_id not in added:
                continue
            try:
                self._fingerprints[ref_id] = Fingerprint.from_bytes(blob)
            except FingerprintFormatError as exc:  # written by another version: re-import that file
                log.warning("reference %d has an unreadable fingerprint (%s); it is not matched", ref_id, exc)
        # A reference deleted since ids() was read is not loaded; the next refresh sees it gone.
        self._ids = stored
        if gone or added:
            self._generation += 1
        return bool(gone or added)

    def _build_until_current(self) -> None:
        while True:
            with self._lock:
                if not self._stale:
                    self._builder = None
                    return
                self._stale = False
                entries, generation = dict(self._fingerprints), self._generation
            started = time.perf_counter()
            self._serve(build_index(entries), generation)
            log.info("reference index of %d images rebuilt in %.0f ms", len(entries), (time.perf_counter() - started) * 1000)


def build_index(entries: dict[int, Fingerprint]) -> ReferenceIndex:
    """A ReferenceIndex of `entries` with its search structures built now, not on the first check."""
    index = ReferenceIndex()
    for ref_id, fp in entries.items():
        index.add(ref_id, fp)
    if entries:
        index.search(next(iter(entries.values())))
    return index
