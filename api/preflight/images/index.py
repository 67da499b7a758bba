"""Search registered reference images: global hashes first, then voted keypoints checked geometrically."""
from __future__ import annotations

import dataclasses
import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from preflight.images import descriptors as descriptor_index
from preflight.images.fingerprint import HASH_KINDS, Fingerprint
from preflight.images.hashes import HASH_BYTES
from preflight.images.keypoints import EMPTY, MIN_INLIERS, Keypoints, agreeing

# Hamming distance (of 256 bits) at or under which global hashes alone decide; unrelated photos sit near 128.
HASH_MATCH = 52
# Windows of bland pictures resemble other bland pictures more, so they must be closer.
WINDOW_MATCH = 36
# References whose hashes come this close without deciding are checked with keypoints too: a caption band,
# a rotation or a frame moves the hash of the very same picture only this far.
NEAR = 80
# At most this many such near references per query.
NEAR_CANDIDATES = 3
# Distance of the first 64 bits under which the whole hash is compared (matches sit far below it).
_SCREEN = 24
# Stored hashes screened at a time: 512 KiB of first words, which stay in the cache for all query hashes.
_BLOCK = 65536
# References checked geometrically per query orientation: those with the most close descriptors.
VOTED_CANDIDATES = 8
# A candidate needs this many close descriptors to be checked at all; one or two are chance.
_MIN_VOTES = 3
# Lowe's ratio: a query keypoint's nearest reference descriptor must be clearly nearer than its second.
_RATIO = 0.8
# Matched against all of one candidate's descriptors, unrelated pictures reach 11 agreeing keypoints.
_VERIFIED_INLIERS = 13
# ORB descriptors of one physical point differ by up to about this many of their 256 bits.
_DESCRIPTOR_MATCH = 64
# A query descriptor's nearest in the whole index counts when it is nearer than this times the second nearest:
# heavy JPEG blocks and bland texture are near to many descriptors of unrelated pictures alike.
_INDEX_RATIO = 0.9
_REFERENCE_HASHES = (HASH_KINDS.index("image"), HASH_KINDS.index("trimmed"))


@dataclass(frozen=True)
class ImageMatch:
    """A reference the image is a near-duplicate of; `how` says which evidence decided.

    `distance` is the Hamming distance of the global hashes (of 256 bits) when they decided, else None.
    """

    ref_id: int
    similarity: float
    distance: int | None
    how: str


class _Snapshot:
    """An immutable view of the references, so that searches never see a half-built index.

    Its arrays (ARRAYS) and its descriptor index can be written to a folder and read back mapped: the
    processes that read one folder share its pages instead of each holding a copy.
    """

    ARRAYS = ("ids", "sides", "words", "hash_owner", "hash_is_window", "owner", "points", "starts", "descriptors")

    def __init__(self, arrays: dict[str, np.ndarray], descriptor_index) -> None:
        self.ids = arrays["ids"]
        self.sides = arrays["sides"]
        # As 64-bit words, XOR and popcount run over 4 words per hash instead of 32 bytes.
        self.words = arrays["words"]
        self.first_words = np.ascontiguousarray(self.words[:, 0])
        self.hash_owner = arrays["hash_owner"]
        self.hash_is_window = arrays["hash_is_window"]
        self.owner = arrays["owner"]
        self.points = arrays["points"]
        self.starts = arrays["starts"]
        self.descriptors = arrays["descriptors"]
        self.descriptor_index = descriptor_index

    @classmethod
    def of(cls, entries: dict[int, Fingerprint]) -> _Snapshot:
        fps = list(entries.values())
        rows = [np.concatenate([fp.hashes[list(_REFERENCE_HASHES)], fp.hashes[len(HASH_KINDS):]]) for fp in fps]
        hashes = np.concatenate(rows or [np.zeros((0, HASH_BYTES), np.uint8)])
        descriptors = np.ascontiguousarray(
            np.concatenate([fp.keypoints.descriptors for fp in fps] or [np.zeros((0, 32), np.uint8)]))
        arrays = {
            "ids": np.fromiter(entries, np.int64, len(entries)),
            "sides": np.array([float(max(fp.frame)) for fp in fps]),
            "words": np.ascontiguousarray(hashes).view("<u8"),
            "hash_owner": np.concatenate([np.full(len(r), row, np.intp) for row, r in enumerate(rows)]
                                         or [np.zeros(0, np.intp)]),
            "hash_is_window": np.concatenate([np.arange(len(r)) >= len(_REFERENCE_HASHES) for r in rows]
                                             or [np.zeros(0, bool)]),
            "owner": np.concatenate([np.full(len(fp.keypoints), row, np.uint32) for row, fp in enumerate(fps)]
                                    or [np.zeros(0, np.uint32)]),
            "points": np.concatenate([fp.keypoints.points for fp in fps] or [np.zeros((0, 2), np.float32)]),
            "starts": np.concatenate([[0], np.cumsum([len(fp.keypoints) for fp in fps], dtype=np.int64)]),
            "descriptors": descriptors,
        }
        return cls(arrays, descriptor_index.build(descriptors))

    def save(self, folder: Path) -> None:
        """Write the snapshot into `folder` (which must exist), for read()."""
        for name in self.ARRAYS:
            np.save(folder / f"{name}.npy", getattr(self, name), allow_pickle=False)
        descriptor_index.write(self.descriptor_index, folder / "descriptors.faiss")

    @classmethod
    def read(cls, folder: Path) -> _Snapshot:
        """A snapshot as save() wrote it, its arrays mapped from the files."""
        arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in cls.ARRAYS}
        return cls(arrays, descriptor_index.read(folder / "descriptors.faiss"))

    def correspondences(self, keypoints: Keypoints) -> tuple[np.ndarray, np.ndarray]:
        """For each query keypoint with a close reference descriptor: (query index, reference slot)."""
        return descriptor_index.nearest(self.descriptor_index, keypoints.descriptors, _DESCRIPTOR_MATCH, _INDEX_RATIO)

    def search(self, fp: Fingerprint) -> list[ImageMatch]:
        """References `fp` is a near-duplicate of, most similar first."""
        if not len(self.ids):
            return []
        found: dict[int, ImageMatch] = {}
        near: dict[int, int] = {}
        for hash_row, distance, kind in hash_matches(self.first_words, self.words, fp.hashes, NEAR):
            row = int(self.hash_owner[hash_row])
            window = bool(self.hash_is_window[hash_row])
            if distance > (WINDOW_MATCH if window else HASH_MATCH):
                near[row] = min(distance, near.get(row, NEAR))
                continue
            if row not in found or distance < found[row].distance:
                how = ("hash" if kind == "image" else f"hash-{kind}") + ("-window" if window else "")
                found[row] = ImageMatch(int(self.ids[row]), round(1.0 - distance / 128.0, 4), distance, how)
        nearest = sorted((r for r in near if r not in found), key=near.get)[:NEAR_CANDIDATES]
        for how, keypoints in (("keypoints", fp.keypoints), ("keypoints-mirror", fp.mirror_keypoints)):
            query, slots = self.correspondences(keypoints)
            owners = self.owner[slots]
            ranked = voted(owners)
            for row in dict.fromkeys(ranked + nearest):
                if row in found:
                    continue
                # First the points whose nearest descriptor in the whole index is this reference's (cheap and
                # sharp); where too few of them agree, all of its descriptors, which a rotation or a heavy
                # recompression leave further from their originals.
                mine = owners == row
                count = agreeing(keypoints.points[query[mine]], self.points[slots[mine]], self.sides[row])
                if count < MIN_INLIERS:
                    count = self.verify(keypoints, row)
                    if count < _VERIFIED_INLIERS:
                        continue
                found[row] = ImageMatch(int(self.ids[row]), round(1.0 - math.exp(-count / 20.0), 4), None, how)
        return sorted(found.values(), key=lambda m: (-m.similarity, m.ref_id))

    def verify(self, keypoints: Keypoints, row: int) -> int:
        """Agreeing keypoints between the query and reference `row`, all descriptors of both compared."""
        start, end = int(self.starts[row]), int(self.starts[row + 1])
        if end - start < 2:
            return 0
        # An exact index of the candidate's few hundred descriptors: FAISS compares them four times faster than
        # OpenCV's knnMatch, and gives arrays instead of a Python object per pair.
        candidate = descriptor_index.build(self.descriptors[start:end])
        query, train = descriptor_index.nearest(candidate, keypoints.descriptors, _DESCRIPTOR_MATCH, _RATIO)
        if len(query) < _VERIFIED_INLIERS:
            return 0
        return agreeing(keypoints.points[query], self.points[start + train], self.sides[row])


def voted(owners: np.ndarray) -> list[int]:
    """The references (rows) owning the most correspondences, at least _MIN_VOTES each, most first.

    Counted over the correspondences only, not over every reference: a count per reference and its sort
    grow with the index (12 ms per query at 100,000 references) while a query has a few hundred.
    """
    rows, votes = np.unique(owners, return_counts=True)
    order = np.lexsort((rows, -votes))[:VOTED_CANDIDATES]
    return [int(rows[at]) for at in order if votes[at] >= _MIN_VOTES]


class ReferenceIndex:
    """The registered references; searches run concurrently with add/remove (each search sees one snapshot)."""

    def __init__(self) -> None:
        self._entries: dict[int, Fingerprint] = {}
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = _Snapshot.of({})

    @classmethod
    def build(cls, references: Iterable[tuple[int, Fingerprint]]) -> ReferenceIndex:
        """A ready index (its first search does not pay for building), to swap in for an older one."""
        index = cls()
        for ref_id, fp in references:
            index._entries[ref_id] = _as_reference(fp)
        index._snapshot = _Snapshot.of(dict(index._entries))
        return index

    def add(self, ref_id: int, fp: Fingerprint) -> None:
        """Register (or replace) a reference."""
        with self._lock:
            self._entries[ref_id] = _as_reference(fp)
            self._snapshot = None

    def remove(self, ref_id: int) -> None:
        """Forget a reference; unknown ids are ignored."""
        with self._lock:
            if self._entries.pop(ref_id, None) is not None:
                self._snapshot = None

    def __len__(self) -> int:
        return len(self._entries)

    def len(self) -> int:
        """Number of references."""
        return len(self._entries)

    def _current(self) -> _Snapshot:
        snapshot = self._snapshot
        if snapshot is not None:
            return snapshot
        with self._lock:
            if self._snapshot is None:
                self._snapshot = _Snapshot.of(dict(self._entries))
            return self._snapshot

    def search(self, fp: Fingerprint) -> list[ImageMatch]:
        """References `fp` is a near-duplicate of, most similar first."""
        return self._current().search(fp)

    def save(self, folder: Path) -> None:
        """Write the search structures into `folder` (which must exist), for SavedIndex."""
        self._current().save(folder)


class SavedIndex:
    """References searched from a folder that ReferenceIndex.save wrote: its files are mapped, not copied,
    so every process that opens one folder shares the same pages."""

    def __init__(self, folder: Path) -> None:
        self._snapshot = _Snapshot.read(folder)
        self.ids = frozenset(int(ref_id) for ref_id in self._snapshot.ids)

    def len(self) -> int:
        """Number of references."""
        return len(self.ids)

    __len__ = len

    def search(self, fp: Fingerprint) -> list[ImageMatch]:
        """As ReferenceIndex.search."""
        return self._snapshot.search(fp)


def _as_reference(fp: Fingerprint) -> Fingerprint:
    """What a reference needs to be found: a query's mirror is compared to it, never its own."""
    return dataclasses.replace(fp, mirror_keypoints=EMPTY)


def hash_matches(first_words: np.ndarray, words: np.ndarray, query: np.ndarray,
                 limit: int = HASH_MATCH) -> list[tuple[int, int, str]]:
    """(hash row, distance, query hash kind) for every stored hash within `limit` of one of the query's.

    The first 64 bits (the four lowest rows of frequencies, the steadiest) screen all references; the
    full 256 bits are compared only for the few that pass, which keeps a million references to one pass.
    The screen runs block by block, all query hashes on a block while it is in the cache.
    """
    query_words = np.ascontiguousarray(query[:len(HASH_KINDS)]).view("<u8")
    found = []
    for start in range(0, len(first_words), _BLOCK):
        block = first_words[start:start + _BLOCK]
        close = np.bitwise_count(block ^ query_words[0, 0]) <= _SCREEN
        for hash_words in query_words[1:]:
            close |= np.bitwise_count(block ^ hash_words[0]) <= _SCREEN
        rows = np.flatnonzero(close) + start
        if not len(rows):
            continue
        distance = np.bitwise_count(words[rows][:, None, :] ^ query_words[None, :, :]).sum(axis=2, dtype=np.int32)
        for at, kind in zip(*np.nonzero(distance <= limit)):
            found.append((int(rows[at]), int(distance[at, kind]), HASH_KINDS[kind]))
    return found
