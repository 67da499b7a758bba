"""Registering reference images, and one process's search index kept in step with the registry."""
from __future__ import annotations

import fcntl
import hashlib
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from preflight.images.decode import DecodedImage, PixelBudget, decode_image
from preflight.images.errors import ImageError
from preflight.images.fingerprint import Fingerprint, FingerprintFormatError, fingerprint
from preflight.images.index import ImageMatch, ReferenceIndex, SavedIndex
from preflight.images.thumbnail import thumbnail_jpeg

log = logging.getLogger("preflight.images")
# Thinner images (tracking pixels, rules, spacers) hold nothing to compare.
MIN_SIDE = 16
# Up to this many references the index is rebuilt within the refresh (their descriptors are searched exactly,
# which takes no building).
INLINE_REBUILD = 64
# Changes (added or removed references) the small tier holds at least before the large index is rebuilt.
MIN_COMPACTION = 64


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

    Rebuilding the search structures over tens of thousands of references takes minutes; a change
    only rebuilds the small index, so it is in force at the next check.
    """

    def __init__(self, base: ReferenceIndex | SavedIndex, hidden: frozenset[int], recent: ReferenceIndex) -> None:
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
    """The search index of the registry in one process, and the fingerprints of what it does not hold yet.

    refresh() reads only what was added or removed since the last one, and serves at once a TieredIndex:
    the large index as last built, without the removed references, plus a small index of the added ones.
    Up to `inline_rebuild` references the whole index is simply rebuilt. Beyond that, once the changes
    outgrow a sixty-fourth of the large index, a new large index is built in a background thread while
    checks go on, then swapped in.

    With a `folder`, the large index is written there once and read mapped: the worker processes of one
    server share its pages, and one of them builds it (a lock file tells the others), then calls
    `on_built` so that the others take it at their next refresh instead of building their own.
    """

    def __init__(self, references, inline_rebuild: int = INLINE_REBUILD, folder: Path | None = None,
                 on_built: Callable[[], None] | None = None) -> None:
        self._references = references
        self._inline_rebuild = inline_rebuild
        self._folder = folder
        self._on_built = on_built
        self._recent: dict[int, Fingerprint] = {}
        self._ids: set[int] = set()
        self._lock = threading.Lock()
        self._builder: threading.Thread | None = None
        self._base: ReferenceIndex | SavedIndex = ReferenceIndex()
        self._base_ids: frozenset[int] = frozenset()
        self._base_name = ""
        self.index: ReferenceIndex | SavedIndex | TieredIndex = self._base
        # A new object at every refresh: a change of a reference's status or licence leaves the index as it is
        # but not the reports made against it (a report cache compares this by identity).
        self.version = object()

    def refresh(self, wait: bool = False) -> None:
        """Bring the index in step with the registry; `wait` also for a new large index when one is due."""
        try:
            self._refresh(wait)
        finally:
            # After the change is in force: a report made meanwhile is kept under the old version, never the new.
            self.version = object()

    def _refresh(self, wait: bool) -> None:
        with self._lock:
            self._adopt_saved()
            self._read_changes()
            if self._ids == self._base_ids:
                self._compose()
                return
            if not (len(self._ids) <= self._inline_rebuild or (wait and self._compaction_due())):
                self._compose()
                if self._compaction_due() and self._builder is None:
                    self._builder = threading.Thread(target=self._compact, name="reference-index", daemon=True)
                    self._builder.start()
                return
        if not self._rebuild():  # another process is building it: serve the tiers meanwhile
            with self._lock:
                self._compose()

    def _compaction_due(self) -> bool:
        changes = len(self._ids ^ self._base_ids)
        return changes > max(MIN_COMPACTION, len(self._base_ids) // 64) or bool(changes and not self._base_ids)

    def _compose(self) -> None:
        hidden = self._base_ids - self._ids
        recent = ReferenceIndex.build(self._recent.items())
        self.index = TieredIndex(self._base, frozenset(hidden), recent) if self._recent or hidden else self._base

    def _swap_base(self, base: ReferenceIndex | SavedIndex, ids: frozenset[int], name: str = "") -> None:
        """Take `base` (of `ids`) as the large index; the small tier keeps only what it lacks."""
        self._base, self._base_ids, self._base_name = base, ids, name
        self._recent = {ref_id: fp for ref_id, fp in self._recent.items() if ref_id not in ids}
        missing = self._ids - ids - self._recent.keys()
        if missing:  # in the registry before this base was read, and not in it: read again
            self._recent.update(self._read(missing))
        self._compose()

    def _compact(self) -> None:
        while True:
            with self._lock:
                if not self._compaction_due():
                    self._builder = None
                    return
            started = time.perf_counter()
            if not self._rebuild():
                with self._lock:  # another process builds it; it tells when it is done
                    self._builder = None
                return
            log.info("reference index of %d images rebuilt in %.0f ms", len(self._base_ids),
                     (time.perf_counter() - started) * 1000)

    def _rebuild(self) -> bool:
        """Build the large index of the whole registry and take it; False when another process is building one."""
        if self._folder is None:
            entries = dict(self._read(None))
            base = ReferenceIndex.build(entries.items())
            with self._lock:
                self._swap_base(base, frozenset(entries))
            return True
        self._folder.mkdir(parents=True, exist_ok=True)
        with open(self._folder / "build.lock", "a+b") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            entries = dict(self._read(None))
            name = f"index-{time.time_ns():020d}"
            building = Path(tempfile.mkdtemp(prefix="building-", dir=self._folder))
            ReferenceIndex.build(entries.items()).save(building)
            del entries
            building.rename(self._folder / name)
            for old in self._folder.iterdir():
                if old.name != name and old.is_dir():
                    # Processes that still map the old files keep them until they let go.
                    shutil.rmtree(old, ignore_errors=True)
        with self._lock:
            self._adopt_saved()
        if self._on_built is not None:
            self._on_built()
        return True

    def _adopt_saved(self) -> None:
        """Take the newest index written in the folder (by any process), if it is newer than the one in use."""
        if self._folder is None or not self._folder.is_dir():
            return
        names = sorted(p.name for p in self._folder.iterdir() if p.name.startswith("index-"))
        if not names or names[-1] <= self._base_name:
            return
        try:
            saved = SavedIndex(self._folder / names[-1])
        except (OSError, RuntimeError, ValueError) as exc:  # removed by a newer build meanwhile: the next one
            log.warning("cannot open the reference index %s: %s", names[-1], exc)
            return
        self._swap_base(saved, saved.ids, names[-1])

    def _read(self, ids: set[int] | None):
        """(id, fingerprint) of the stored references, or of those among `ids`; unreadable ones are skipped."""
        for ref_id, blob in self._references.fingerprints(ids):
            try:
                yield ref_id, Fingerprint.from_bytes(blob)
            except FingerprintFormatError as exc:  # written by another version: re-import that file
                log.warning("reference %d has an unreadable fingerprint (%s); it is not matched", ref_id, exc)

    def _read_changes(self) -> None:
        stored = self._references.ids()
        for ref_id in self._ids - stored:
            self._recent.pop(ref_id, None)
        added = stored - self._ids - self._base_ids
        if added:
            # A reference deleted since ids() was read is not loaded; the next refresh sees it gone.
            self._recent.update(self._read(added))
        self._ids = stored
