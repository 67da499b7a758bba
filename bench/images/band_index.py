"""The previous keypoint stage (hand-made band index over 16-bit chunks), kept to be measured beside FAISS.

A reference descriptor is filed under each of its 16 chunks of 16 bits; a query descriptor's chunk hits
whose next chunk is also close are compared at full length, and each query keypoint keeps its nearest.
"""
from __future__ import annotations

import numpy as np

from preflight.images.fingerprint import Fingerprint
from preflight.images.index import ReferenceIndex, _Snapshot
from preflight.images.keypoints import Keypoints

BANDS = 16
_CROWDED = 64
_SAMPLE_OVER = 4
_SAMPLED = 128
_DESCRIPTOR_MATCH = 64
_SIDE_MATCH = 6


class BandSnapshot(_Snapshot):
    def __init__(self, snapshot: _Snapshot) -> None:
        super().__init__({name: getattr(snapshot, name) for name in _Snapshot.ARRAYS}, None)
        descriptors = np.ascontiguousarray(self.descriptors)
        keys = _band_keys(descriptors)
        order = np.argsort(keys, kind="stable")
        self.bucket_starts = np.concatenate([[0], np.cumsum(np.bincount(keys, minlength=BANDS * 65536))])
        self.slots = np.tile(np.arange(len(descriptors), dtype=np.uint32), BANDS)[order]
        self.side_chunks = _side_chunks(descriptors)[order]
        self.words64 = descriptors.view("<u8")
        average = len(self.slots) / (BANDS * 65536)
        self.crowded = max(16, int(_CROWDED * average))
        self.sampled = max(_SAMPLED, int(_SAMPLE_OVER * average))

    def nbytes(self) -> int:
        """Memory of the search structures, as the previous index held them."""
        arrays = (self.words, self.first_words, self.hash_owner, self.hash_is_window, self.bucket_starts, self.slots,
                  self.side_chunks, self.owner, self.points, self.descriptors, self.ids, self.sides, self.starts)
        return sum(a.nbytes for a in arrays)

    def correspondences(self, keypoints: Keypoints) -> tuple[np.ndarray, np.ndarray]:
        none = (np.zeros(0, np.intp), np.zeros(0, np.intp))
        if not len(keypoints) or not len(self.slots):
            return none
        wanted = _band_keys(keypoints.descriptors)
        starts = self.bucket_starts[wanted]
        sizes = self.bucket_starts[wanted + 1] - starts
        keep = (sizes > 0) & (sizes <= self.crowded)
        starts, sizes = starts[keep], np.minimum(sizes[keep], self.sampled)
        if not len(sizes):
            return none
        offsets = np.repeat(starts - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))
        query = np.repeat(np.tile(np.arange(len(keypoints)), BANDS)[keep], sizes)
        side = np.repeat(_side_chunks(keypoints.descriptors)[keep], sizes)
        near = np.bitwise_count(self.side_chunks[offsets] ^ side) <= _SIDE_MATCH
        query, slots = query[near], self.slots[offsets[near]].astype(np.intp)
        query_words = np.ascontiguousarray(keypoints.descriptors).view("<u8")
        distance = np.bitwise_count(query_words[query] ^ self.words64[slots]).sum(axis=1, dtype=np.int32)
        close = distance <= _DESCRIPTOR_MATCH
        query, slots, distance = query[close], slots[close], distance[close]
        order = np.lexsort((distance, query))
        query, slots = query[order], slots[order]
        first = np.ones(len(query), bool)
        first[1:] = query[1:] != query[:-1]
        return query[first], slots[first]


class BandIndex:
    """A frozen ReferenceIndex searched through the band index."""

    def __init__(self, index: ReferenceIndex) -> None:
        self.snapshot = BandSnapshot(index._current())

    def search(self, fp: Fingerprint):
        return self.snapshot.search(fp)


def _chunks(descriptors: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(descriptors[:, : 2 * BANDS]).view("<u2")


def _side_chunks(descriptors: np.ndarray) -> np.ndarray:
    return np.roll(_chunks(descriptors), -1, axis=1).T.ravel()


def _band_keys(descriptors: np.ndarray) -> np.ndarray:
    chunks = _chunks(descriptors).astype(np.uint32)
    return (chunks + (np.arange(BANDS, dtype=np.uint32) << 16)).T.ravel()
