"""Search registered reference images: global hashes first, then voted keypoints checked geometrically."""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np

from .fingerprint import HASH_KINDS, Fingerprint
from .hashes import HASH_BYTES
from .keypoints import MIN_INLIERS, Keypoints, inliers

# Hamming distance (of 256 bits) at or under which global hashes alone decide; unrelated photos sit near 128.
HASH_MATCH = 40
# Hashes this close make a reference worth a keypoint check even when few keypoints voted for it.
HASH_CANDIDATE = 96
# References checked geometrically per query orientation, by keypoint votes.
VOTED_CANDIDATES = 6
# Each descriptor is looked up by BANDS of its 16-bit chunks; a true match usually shares at least one exactly.
BANDS = 8
# Buckets this many times fuller than average hold bland texture, which votes for everything: ignored.
_CROWDED = 24
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
    """An immutable view of the references, so that searches never see a half-built index."""

    def __init__(self, entries: dict[int, Fingerprint]) -> None:
        self.ids = np.fromiter(entries, np.int64, len(entries))
        fps = list(entries.values())
        self.fingerprints = fps
        hashes = (np.stack([fp.hashes[list(_REFERENCE_HASHES)] for fp in fps]) if fps
                  else np.zeros((0, len(_REFERENCE_HASHES), HASH_BYTES), np.uint8))
        # As 64-bit words, XOR and popcount run over 4 words per hash instead of 32 bytes.
        self.words = np.ascontiguousarray(hashes).view("<u8")
        owners = [np.full(len(fp.keypoints), row, np.uint32) for row, fp in enumerate(fps)]
        descriptors = [fp.keypoints.descriptors for fp in fps]
        self._build_buckets(np.concatenate(owners) if owners else np.zeros(0, np.uint32),
                            np.concatenate(descriptors) if descriptors else np.zeros((0, 32), np.uint8))

    def _build_buckets(self, owners: np.ndarray, descriptors: np.ndarray) -> None:
        keys = _band_keys(descriptors)
        owner_rows = np.tile(owners, BANDS)
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        self.owners = owner_rows[order]
        average = max(1.0, len(self.keys) / (BANDS * 65536))
        self.crowded = max(8, int(_CROWDED * average))

    def voted(self, keypoints: Keypoints, limit: int) -> list[int]:
        """Rows of the references most of whose keypoints the query shares a descriptor chunk with."""
        if not len(keypoints) or not len(self.keys):
            return []
        wanted = _band_keys(keypoints.descriptors)
        starts = np.searchsorted(self.keys, wanted, side="left")
        ends = np.searchsorted(self.keys, wanted, side="right")
        sizes = ends - starts
        keep = (sizes > 0) & (sizes <= self.crowded)
        starts, sizes = starts[keep], sizes[keep]
        if not len(sizes):
            return []
        offsets = np.repeat(starts - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))
        votes = np.bincount(self.owners[offsets], minlength=len(self.ids))
        top = np.argsort(votes)[::-1][:limit]
        return [int(row) for row in top if votes[row] >= 2]


def _band_keys(descriptors: np.ndarray) -> np.ndarray:
    """One uint32 key per (band, descriptor): the band number above the chunk's 16 bits."""
    chunks = np.ascontiguousarray(descriptors[:, : 2 * BANDS]).view("<u2").astype(np.uint32)
    return (chunks + (np.arange(BANDS, dtype=np.uint32) << 16)).T.ravel()


class ReferenceIndex:
    """The registered references; searches run concurrently with add/remove (each search sees one snapshot)."""

    def __init__(self) -> None:
        self._entries: dict[int, Fingerprint] = {}
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = _Snapshot({})

    def add(self, ref_id: int, fp: Fingerprint) -> None:
        """Register (or replace) a reference."""
        with self._lock:
            self._entries[ref_id] = fp
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
                self._snapshot = _Snapshot(dict(self._entries))
            return self._snapshot

    def search(self, fp: Fingerprint) -> list[ImageMatch]:
        """References `fp` is a near-duplicate of, most similar first."""
        snapshot = self._current()
        if not len(snapshot.ids):
            return []
        distances = hash_distances(snapshot.words, fp.hashes)
        best = distances.min(axis=1)
        found: dict[int, ImageMatch] = {}
        for row in np.flatnonzero(best <= HASH_MATCH):
            kind = HASH_KINDS[int(distances[row].argmin())]
            found[int(row)] = ImageMatch(int(snapshot.ids[row]), round(1.0 - int(best[row]) / 128.0, 4),
                                         int(best[row]), "hash" if kind == "image" else f"hash-{kind}")
        near = [int(r) for r in np.argsort(best)[:VOTED_CANDIDATES] if best[r] <= HASH_CANDIDATE]
        for how, keypoints in (("keypoints", fp.keypoints), ("keypoints-mirror", fp.mirror_keypoints)):
            for row in dict.fromkeys(near + snapshot.voted(keypoints, VOTED_CANDIDATES)):
                if row in found:
                    continue
                reference = snapshot.fingerprints[row]
                count = inliers(keypoints, reference.keypoints, float(max(reference.frame)))
                if count >= MIN_INLIERS:
                    found[row] = ImageMatch(int(snapshot.ids[row]), round(1.0 - math.exp(-count / 20.0), 4),
                                            None, how)
        return sorted(found.values(), key=lambda m: (-m.similarity, m.ref_id))


def hash_distances(words: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Distances (n references × query hash kinds) from each reference's closest stored hash."""
    query_words = np.ascontiguousarray(query).view("<u8")
    columns = []
    for kind in query_words:
        bits = np.bitwise_count(np.bitwise_xor(words, kind)).sum(axis=-1, dtype=np.int32)
        columns.append(bits.min(axis=1))
    return np.stack(columns, axis=1)
