"""Registering reference images, and one process's search index kept in step with the registry."""
from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass

from .images.decode import DecodedImage, PixelBudget, decode_image
from .images.errors import ImageError
from .images.fingerprint import Fingerprint, FingerprintFormatError, fingerprint
from .images.index import ImageMatch, ReferenceIndex
from .images.thumbnail import thumbnail_jpeg

log = logging.getLogger("preflight.images")
# Thinner images (tracking pixels, rules, spacers) hold nothing to compare.
MIN_SIDE = 16
# Up to this many references the index is rebuilt within the refresh (well under a second on one core).
INLINE_REBUILD = 2000
# Changes (added or removed references) the small tier holds at least before the large index is rebuilt.
MIN_COMPACTION = 256


@dataclass(frozen=True)
class Prepared:
    """What the registry stores of one file, computed from its bytes."""

    sha256: str
    fingerprint: bytes
    thumbnail: bytes
    width: int
    height: int


def too_small(decoded: DecodedImage) -> ImageError | None:
    """The error of an image too small to compare with the references; None when it can be compared."""
    if min(decoded.width, decoded.height) >= MIN_SIDE:
        return None
    return ImageError("image_too_small", f"the image is {decoded.width} × {decoded.height} pixels; "
                                         f"images under {MIN_SIDE} pixels on a side cannot be compared")


def decode_comparable(data: bytes, *, max_bytes: int, max_pixels: int, budget: PixelBudget | None = None) -> DecodedImage:
    """Decode within the limits; ImageError also for an image too small to compare."""
    decoded = decode_image(data, max_bytes=max_bytes, max_pixels=max_pixels, budget=budget)
    small = too_small(decoded)
    if small is not None:
        raise small
    return decoded


def prepare_reference(data: bytes, *, max_bytes: int, max_pixels: int) -> Prepared:
    """Decode, fingerprint and thumbnail one file; ImageError when it cannot be used."""
    decoded = decode_comparable(data, max_bytes=max_bytes, max_pixels=max_pixels)
    return Prepared(hashlib.sha256(data).hexdigest(), fingerprint(decoded.image).to_bytes(),
                    thumbnail_jpeg(decoded.image), decoded.width, decoded.height)


class TieredIndex:
    """A large index built a while ago, less the references removed since, plus a small one of those added since.

    Rebuilding the search structures over tens of thousands of references takes seconds; a change
    only rebuilds the small index, so it is in force at the next check.
    """

    def __init__(self, base: ReferenceIndex, hidden: frozenset[int], recent: ReferenceIndex) -> None:
        self._base, self._hidden, self._recent = base, hidden, recent

    def len(self) -> int:
        """Number of references."""
        return self._base.len() - len(self._hidden) + self._recent.len()

    __len__ = len

    def search(self, fp: Fingerprint) -> list[ImageMatch]:
        """As ReferenceIndex.search, over both tiers."""
        found = [m for m in self._base.search(fp) if m.ref_id not in self._hidden] + self._recent.search(fp)
        return sorted(found, key=lambda m: (-m.similarity, m.ref_id))


class LoadedIndex:
    """The references' fingerprints in memory, and the search index built over them.

    refresh() reads only what was added or removed since the last one, and serves at once a TieredIndex:
    the large index as last built, without the removed references, plus a small index of the added ones.
    Up to INLINE_REBUILD references the whole index is simply rebuilt. Beyond that, once the changes
    outgrow an eighth of the large index, a new large index is built in a background thread while
    checks go on, then swapped in.
    """

    def __init__(self, references, inline_rebuild: int = INLINE_REBUILD) -> None:
        self._references = references
        self._inline_rebuild = inline_rebuild
        self._fingerprints: dict[int, Fingerprint] = {}
        self._ids: set[int] = set()
        self._lock = threading.Lock()
        self._builder: threading.Thread | None = None
        self._base = ReferenceIndex()
        self._base_ids: frozenset[int] = frozenset()
        self.index: ReferenceIndex | TieredIndex = self._base

    def refresh(self, wait: bool = False) -> None:
        """Bring the index in step with the registry; `wait` also for a new large index when one is due."""
        with self._lock:
            self._read_changes()
            if len(self._fingerprints) <= self._inline_rebuild or (wait and self._compaction_due()):
                entries = dict(self._fingerprints)
            else:
                self._compose()
                if self._compaction_due() and self._builder is None:
                    self._builder = threading.Thread(target=self._compact, name="reference-index", daemon=True)
                    self._builder.start()
                return
        self._swap_base(build_index(entries), entries)

    def _compaction_due(self) -> bool:
        changes = len(self._fingerprints.keys() ^ self._base_ids)
        return changes > max(MIN_COMPACTION, len(self._base_ids) // 8) or (changes and not self._base_ids)

    def _compose(self) -> None:
        added = {ref_id: fp for ref_id, fp in self._fingerprints.items() if ref_id not in self._base_ids}
        hidden = self._base_ids - self._fingerprints.keys()
        self.index = TieredIndex(self._base, frozenset(hidden), build_index(added)) if added or hidden else self._base

    def _swap_base(self, base: ReferenceIndex, entries: dict[int, Fingerprint]) -> None:
        with self._lock:
            self._base, self._base_ids = base, frozenset(entries)
            self._compose()  # what changed while the base was built stays in the small tier

    def _compact(self) -> None:
        while True:
            with self._lock:
                if not self._compaction_due():
                    self._builder = None
                    return
                entries = dict(self._fingerprints)
            started = time.perf_counter()
            self._swap_base(build_index(entries), entries)
            log.info("reference index of %d images rebuilt in %.0f ms", len(entries), (time.perf_counter() - started) * 1000)

    def _read_changes(self) -> None:
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


def build_index(entries: dict[int, Fingerprint]) -> ReferenceIndex:
    """A ReferenceIndex of `entries` with its search structures built now, not on the first check."""
    index = ReferenceIndex()
    for ref_id, fp in entries.items():
        index.add(ref_id, fp)
    if entries:
        index.search(next(iter(entries.values())))
    return index
