"""The nearest reference descriptors of each query keypoint, on FAISS's binary (Hamming) indexes.

Up to FLAT_UP_TO descriptors the search is exact (every descriptor compared). Beyond, an inverted-file
index: the descriptors are filed under the nearest of `lists` centres, and a query descriptor is compared
with those filed under its nearest few centres only (found by comparing all centres, or through a graph
over them when they are many). The centres are a spread sample of the descriptors themselves: k-means over
256 dimensions would take minutes at a million descriptors.
"""
from __future__ import annotations

import math
import os
from pathlib import Path

import faiss
import numpy as np

BITS = 256
# Exact search over this many descriptors (about 65 references) costs less than the lists' overhead.
FLAT_UP_TO = 20_000
# Descriptors filed under one centre, on average.
LIST_SIZE = 512
# Up to this many centres a query descriptor is compared with all of them; beyond, the graph finds the nearest
# (FAISS's graph costs about as much as comparing with some thousands of centres).
ALL_CENTRES_UP_TO = 16384
# Centres whose lists a query descriptor is compared with, when all centres are compared.
PROBES = 8
# … and when the graph finds them (over 16,384 centres): scanning the lists is then about half of a search, and
# at 100,000 references 4 lists keep every hard variant of the registry bench found (the true reference's
# correspondences: 76 % of an exact search against 84 % with 8 lists, in 0.6–0.9 of FAISS's time on a loaded
# machine).
GRAPH_PROBES = 4
# Neighbours per node of the graph over the centres (finding a descriptor's nearest centres).
_GRAPH_NEIGHBOURS = 16
# Candidates kept while walking the graph, filing descriptors and searching alike: 32 while searching took twice
# the graph's time and kept about as many of a true reference's correspondences (at 100,000 references 9,210 of
# the 10,855 an exact search finds, against 9,100 with 16).
_GRAPH_CANDIDATES = 16
# FAISS's OpenMP thread count is a setting of each calling thread (one that never set it uses every core), so
# each entry point sets its own. A search runs on one: requests run side by side in threads and worker processes
# of their own, and FAISS's threads would only compete with them for the same cores. A build runs in the
# background and takes minutes at scale: it uses every core.
SEARCH_THREADS = 1


def build(descriptors: np.ndarray, seed: int = 0, flat_up_to: int = FLAT_UP_TO) -> faiss.IndexBinary:
    """An index of `descriptors` (n × 32 bytes); a descriptor's id is its row."""
    descriptors = np.ascontiguousarray(descriptors, np.uint8)
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    if len(descriptors) <= flat_up_to:
        index = faiss.IndexBinaryFlat(BITS)
        index.add(descriptors)
        return index
    lists = 2 ** max(0, round(math.log2(len(descriptors) / LIST_SIZE)))
    graph = lists > ALL_CENTRES_UP_TO
    quantizer = faiss.IndexBinaryHNSW(BITS, _GRAPH_NEIGHBOURS) if graph else faiss.IndexBinaryFlat(BITS)
    if graph:
        quantizer.hnsw.efSearch = _GRAPH_CANDIDATES
    rows = np.random.default_rng(seed).choice(len(descriptors), lists, replace=False)
    quantizer.add(descriptors[np.sort(rows)])
    index = faiss.IndexBinaryIVF(quantizer, BITS, lists)
    index.own_fields = True
    quantizer.this.disown()  # owned by the index now, and written with it
    index.add(descriptors)
    return _for_search(index)


def nearest(index: faiss.IndexBinary, descriptors: np.ndarray, within: int,
            ratio: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """(query row, indexed row) of each query descriptor whose nearest indexed one is within `within` bits and
    nearer than `ratio` times the second nearest (bland texture is about as near to many: it says nothing)."""
    if not len(descriptors) or not index.ntotal:
        return np.zeros(0, np.intp), np.zeros(0, np.intp)
    faiss.omp_set_num_threads(SEARCH_THREADS)
    distance, found = index.search(np.ascontiguousarray(descriptors, np.uint8), 2)
    second = np.where(found[:, 1] >= 0, distance[:, 1], np.iinfo(np.int32).max)
    close = (found[:, 0] >= 0) & (distance[:, 0] <= within) & (distance[:, 0] < ratio * second)
    return np.flatnonzero(close), found[close, 0].astype(np.intp)


def write(index: faiss.IndexBinary, path: Path) -> None:
    faiss.write_index_binary(index, str(path))


def read(path: Path) -> faiss.IndexBinary:
    """An index as write() left it; the lists of an inverted-file index stay in the file, mapped, not copied,
    so the processes that read one file share its pages."""
    return _for_search(faiss.read_index_binary(str(path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY))


def _for_search(index: faiss.IndexBinary) -> faiss.IndexBinary:
    """`index` with its search settings (they are not written with it)."""
    if isinstance(index, faiss.IndexBinaryIVF):
        quantizer = faiss.downcast_IndexBinary(index.quantizer)
        graph = isinstance(quantizer, faiss.IndexBinaryHNSW)
        index.nprobe = GRAPH_PROBES if graph else PROBES
        if graph:
            quantizer.hnsw.efSearch = _GRAPH_CANDIDATES
    return index
