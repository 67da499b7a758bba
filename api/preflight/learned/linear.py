"""A linear model over hashed n-grams, stored as one small .npz file and scored with numpy alone."""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .features import char_buckets, features, normalise, word_buckets

MODELS_DIR = Path(__file__).resolve().parent / "models"
SUFFIX = ".npz"
EXPLAIN_WORDS = 3


class ModelError(Exception):
    """A model file that cannot be read; the reason is the message."""


@dataclass(frozen=True)
class LinearModel:
    name: str
    weights: np.ndarray  # one per hash bucket
    bias: float
    bits: int
    thresholds: dict[str, float]  # calibrated probability per language

    def score(self, text: str) -> float:
        """Probability that the text is offensive (0 for a text without letters)."""
        index, values = features(text, self.bits)
        if not len(index):
            return 0.0
        return _sigmoid(float(values @ self.weights[index]) + self.bias)

    def explain(self, text: str, limit: int = EXPLAIN_WORDS) -> list[str]:
        """The words whose own n-grams push the score up most, strongest first."""
        pushes = {}
        for word in dict.fromkeys(normalise(text).split()):
            buckets = np.concatenate([char_buckets(word, self.bits), word_buckets(word, self.bits)]).astype(np.int64)
            pushes[word] = float(self.weights[buckets].sum()) / len(buckets)
        ranked = sorted((w for w, push in pushes.items() if push > 0), key=lambda w: -pushes[w])
        return ranked[:limit]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= -700 else 0.0


def read_model(path: Path) -> LinearModel:
    """The model stored at `path`; ModelError when it is not a model file."""
    try:
        with np.load(path, allow_pickle=False) as data:
            bits = int(data["bits"])
            weights = data["weights"].astype(np.float32)
            bias = float(data["bias"])
            thresholds = dict(zip((str(x) for x in data["languages"]), (float(x) for x in data["thresholds"])))
    except (OSError, KeyError, ValueError) as exc:
        raise ModelError(f"{path.name} is not a preflight model: {exc}") from exc
    if len(weights) != 1 << bits:
        raise ModelError(f"{path.name} has {len(weights)} weights for {bits}-bit hashing")
    return LinearModel(path.stem, weights, bias, bits, thresholds)


def write_model(path: Path, weights: np.ndarray, bias: float, bits: int, thresholds: dict[str, float]) -> None:
    """Half-precision weights keep a million buckets at 2 MB, compressed further by zip."""
    path.parent.mkdir(parents=True, exist_ok=True)
    languages = sorted(thresholds)
    with path.open("wb") as out:
        np.savez_compressed(
            out, weights=weights.astype(np.float16), bias=np.float32(bias), bits=np.int32(bits),
            languages=np.array(languages), thresholds=np.array([thresholds[k] for k in languages], dtype=np.float32),
        )


def resolve_model(name: str, pack_dir: Path) -> Path:
    """A name ending in .npz is a file beside the pack; any other name is a model shipped with preflight."""
    if name.endswith(SUFFIX):
        return pack_dir / name
    return MODELS_DIR / f"{name}{SUFFIX}"


class LazyModel:
    """Reads its file on first use, once, whichever thread asks first."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._model: LinearModel | None = None
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        return self.path.is_file()

    def get(self) -> LinearModel:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = _shared(self.path, self.path.stat().st_mtime_ns)
        return self._model


_cache: dict[Path, tuple[int, LinearModel]] = {}
_cache_lock = threading.Lock()


def _shared(path: Path, mtime: int) -> LinearModel:
    """One copy per file per process however many times the packs are reloaded; a rewritten file is read again."""
    with _cache_lock:
        cached = _cache.get(path)
        if cached is None or cached[0] != mtime:
            cached = _cache[path] = (mtime, read_model(path))
        return cached[1]
