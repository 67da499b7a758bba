"""Trains the abusive-tone model (`make model`): logistic regression over hashed n-grams, thresholds per language.

Only the training part of the public data is read. A fixed fifth of it, chosen by a keyed
hash of each item's id, is kept out of the fit to calibrate the thresholds; the development
part is never touched. Needs scikit-learn and scipy (`pip install -e '.[train]'`), which the
product itself does not: it scores with numpy alone.

Usage: python -m preflight.learned.train [--out PATH] [--bits 20] [--c 16]
"""
from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import numpy as np

from preflight.learned.dataset import Item, split
from preflight.learned.features import batch_features
from preflight.learned.linear import MODELS_DIR, LinearModel, write_model

CALIBRATION_SEED = "preflight-calibration-2026"
CALIBRATION_FRACTION = 0.2
TRAINED = ("en", "de", "da")
# Precision first: of the ordinary (`not`) calibration texts of a language, at most this share may score above its threshold.
NOT_RATE = 0.04
# Tweets are not brand posts: polite marketing text sits nearer the middle of the scale than the tweets labelled
# `not`, so no threshold goes below this floor whatever the calibration says.
FLOOR = 0.8
# Dutch and Swedish have no data to calibrate on: they take the strictest trained language's threshold, or
# the one that lets through at most this share of every language's ordinary texts pooled, whichever is higher.
TRANSFER_NOT_RATE = 0.02
TRANSFER_FLOOR = 0.9
TRANSFER = ("nl", "sv")
# Whose own features a language without data borrows: the nearest trained relative (idea: shared spelling).
BORROWS = {"nl": "de", "sv": "da"}


def is_calibration(item: Item) -> bool:
    digest = hashlib.sha256(f"{CALIBRATION_SEED}:{item.id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < CALIBRATION_FRACTION


def matrix(items: list[Item], bits: int, chunk: int = 1000):
    """Each text's shared features plus its language's own copy."""
    from scipy import sparse

    rows, cols, vals = [], [], []
    for first in range(0, len(items), chunk):
        part = items[first:first + chunk]
        row, index, values = batch_features([item.text for item in part], bits, [item.language for item in part])
        rows.append(row + first)
        cols.append(index)
        vals.append(values)
    shape = (len(items), 1 << bits)
    return sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=shape)


def balanced_weights(items: list[Item]) -> np.ndarray:
    """Each language weighs the same, and within it both labels weigh the same (Davidson is 83 % offensive, DKhate 13 %)."""
    cells: dict[tuple[str, bool], int] = {}
    for item in items:
        cells[item.language, item.offensive] = cells.get((item.language, item.offensive), 0) + 1
    weights = np.array([1.0 / cells[item.language, item.offensive] for item in items])
    return weights / weights.mean()


def threshold_at(not_scores: np.ndarray, rate: float) -> float:
    """The lowest threshold that at most `rate` of these ordinary texts reach."""
    ordered = np.sort(not_scores)
    return float(ordered[min(len(ordered) - 1, int(np.ceil((1 - rate) * len(ordered))))]) + 1e-6


def calibrate(model: LinearModel, items: list[Item]) -> tuple[dict[str, float], list[dict]]:
    scores = model.score_many([item.text for item in items], [item.language for item in items])
    languages = np.array([item.language for item in items])
    offensive = np.array([item.offensive for item in items])
    thresholds = {}
    for language in TRAINED:
        mine = languages == language
        thresholds[language] = max(FLOOR, threshold_at(scores[mine & ~offensive], NOT_RATE))
    strict = max(TRANSFER_FLOOR, *thresholds.values(), threshold_at(scores[~offensive], TRANSFER_NOT_RATE))
    thresholds.update({language: strict for language in TRANSFER})
    figures = []
    for language in TRAINED:
        mine = languages == language
        fired = scores >= thresholds[language]
        tp = int((fired & mine & offensive).sum())
        fp = int((fired & mine & ~offensive).sum())
        positives = int((mine & offensive).sum())
        figures.append({
            "language": language, "threshold": round(thresholds[language], 4), "items": int(mine.sum()),
            "precision": round(tp / max(tp + fp, 1), 3), "recall": round(tp / max(positives, 1), 3),
            "not_rate": round(fp / max(int((mine & ~offensive).sum()), 1), 3),
        })
    return thresholds, figures


def train(out: Path, bits: int, c: float, borrow: bool = True) -> list[dict]:
    from sklearn.linear_model import LogisticRegression

    items = split("train")
    fit_items = [item for item in items if not is_calibration(item)]
    held = [item for item in items if is_calibration(item)]
    labels = np.array([item.offensive for item in fit_items])
    # liblinear is deterministic for a fixed random_state; the hash buckets make the features so too.
    regression = LogisticRegression(C=c, solver="liblinear", max_iter=2000, random_state=0)
    regression.fit(matrix(fit_items, bits), labels, sample_weight=balanced_weights(fit_items))
    weights = regression.coef_[0].astype(np.float16).astype(np.float32)
    bias = float(regression.intercept_[0])
    domains = {language: language for language in TRAINED} | (BORROWS if borrow else {})
    thresholds, figures = calibrate(LinearModel(out.stem, weights, bias, bits, {}, domains), held)
    write_model(out, weights, bias, bits, thresholds, domains)
    for language in TRANSFER:
        figures.append({"language": language, "threshold": round(thresholds[language], 4), "items": 0})
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODELS_DIR / "abusive-tone.npz")
    parser.add_argument("--bits", type=int, default=20)
    parser.add_argument("--c", type=float, default=16.0, help="inverse regularisation strength")
    parser.add_argument("--no-borrow", action="store_true", help="Dutch and Swedish use the shared features only")
    args = parser.parse_args(argv)
    for row in train(args.out, args.bits, args.c, borrow=not args.no_borrow):
        print("  ".join(f"{key} {value}" for key, value in row.items()))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
