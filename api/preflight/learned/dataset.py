"""The public labelled offensive-language data, split once into training and development parts.

The split is decided per item by a keyed hash of its id, so it never changes when a
file gains or loses lines, and it is the same for training (`make model`) and for
measurement (`make eval`). Development items are never used to train a model or to
write a rule: they are what the figures in docs/eval.md are measured on.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# Fixed for good: changing it would mix items that rules or models have seen into the figures.
SPLIT_SEED = "preflight-dev-split-2026"
DEV_FRACTION = 0.25
ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    language: str
    offensive: bool
    orig_label: str


def data_dir() -> Path:
    """`PREFLIGHT_SHARED_DATA`, else the `shared/data` folder beside the checkout."""
    configured = os.environ.get("PREFLIGHT_SHARED_DATA")
    return Path(configured) if configured else ROOT.parent / "shared" / "data"


def is_dev(item_id: str) -> bool:
    digest = hashlib.sha256(f"{SPLIT_SEED}:{item_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < DEV_FRACTION


def read_items(directory: Path | None = None) -> Iterator[Item]:
    """Every item of every `offensive/*.jsonl` file, in file order."""
    folder = (directory or data_dir()) / "offensive"
    for path in sorted(folder.glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    raw = json.loads(line)
                    yield Item(str(raw["id"]), raw["text"], raw["language"], raw["label"] == "offensive",
                               str(raw.get("orig_label", "")))
                except (ValueError, KeyError, TypeError) as error:
                    raise ValueError(f"{path}:{number}: {error}") from error


def split(part: str, directory: Path | None = None) -> list[Item]:
    """`part` is "train" or "dev"."""
    if part not in ("train", "dev"):
        raise ValueError(f"unknown part {part!r}: use 'train' or 'dev'")
    want_dev = part == "dev"
    return [item for item in read_items(directory) if is_dev(item.id) == want_dev]
