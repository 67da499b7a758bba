"""Score the offensive-language pack on the development split of the public labelled data.

The items are tweets and comments labelled by other people (see the data folder's README);
`preflight.learned.dataset.split("dev")` sets a fixed quarter of them aside by a keyed hash
of each id. Only aggregate figures are printed: the items themselves are never shown, so
that nobody writes a rule from them.

Each item is checked with `language="auto"`, as a post would be, and only the
offensive-language pack's warning and block findings count. Rows are the item's labelled
language. better_profanity (an English word list) runs on the same items as a baseline.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from preflight.learned import dataset

PACK = "offensive-language"
LANGUAGES = ["en", "nl", "da", "sv", "de"]
RAISING = {"warning", "block"}
# A tweet labelled "not" that uses a real swear word is still a post a brand must not publish:
# a finding of these rules on such an item is correct behaviour, counted apart from other false positives.
SWEARING_RULES = {f"{PACK}/strong-profanity", f"{PACK}/mild-profanity", f"{PACK}/disease-as-curse"}


def measure(checker, folder: Path) -> dict:
    """Per-language confusion counts and scores for preflight and better_profanity, or why there are none."""
    from better_profanity import profanity

    if not (folder / "offensive").is_dir():
        return {"available": False, "reason": f"no labelled data in {folder} (set PREFLIGHT_SHARED_DATA or --data)"}
    profanity.load_censor_words()
    items = dataset.split("dev", folder)
    ours = defaultdict(lambda: Counter())
    base = defaultdict(lambda: Counter())
    rules_on_negatives = defaultdict(Counter)
    for item in items:
        report = checker.check(item.text, language="auto")
        fired = {f.rule for f in report.findings if f.pack == PACK and f.severity in RAISING}
        _count(ours[item.language], item.offensive, bool(fired))
        _count(base[item.language], item.offensive, profanity.contains_profanity(item.text))
        if fired and not item.offensive:
            ours[item.language]["fp_swearing"] += fired <= SWEARING_RULES
            rules_on_negatives[item.language].update(fired)

    languages = {}
    for language in LANGUAGES:
        if language not in ours:
            languages[language] = {"items": 0, "note": "no labelled data"}
            continue
        counts = ours[language]
        languages[language] = {
            "items": sum(counts[k] for k in ("tp", "fp", "fn", "tn")),
            "offensive": counts["tp"] + counts["fn"],
            "not": counts["fp"] + counts["tn"],
            "preflight": {**_scores(counts), "fp_swearing": counts["fp_swearing"],
                          "fpr_without_swearing": _ratio(counts["fp"] - counts["fp_swearing"], counts["fp"] + counts["tn"]),
                          "brand": _brand_scores(counts)},
            "better_profanity": _scores(base[language]),
            "rules_on_not_items": dict(rules_on_negatives[language].most_common()),
        }
    return {
        "available": True,
        "method": {
            "split": "dev",
            "seed": dataset.SPLIT_SEED,
            "fraction": dataset.DEV_FRACTION,
            "files": sorted(p.name for p in (folder / "offensive").glob("*.jsonl")),
            "pack": PACK,
            "language": "auto",
            "swearing_rules": sorted(SWEARING_RULES),
        },
        "items": len(items),
        "languages": languages,
    }


def _count(cell: Counter, expected: bool, raised: bool) -> None:
    cell["tp" if expected and raised else "fp" if raised else "fn" if expected else "tn"] += 1


def _scores(c: Counter) -> dict:
    return {"tp": c["tp"], "fp": c["fp"], "fn": c["fn"], "tn": c["tn"], **_prf(c["tp"], c["fp"], c["fn"]),
            "fpr": _ratio(c["fp"], c["fp"] + c["tn"])}


def _brand_scores(c: Counter) -> dict:
    """Scores with a swear word flagged on a `not` item counted as correct, as a brand would: such items leave the
    false positives (they are not offensive hits either, so recall is unchanged)."""
    fp = c["fp"] - c["fp_swearing"]
    return {"fp": fp, **_prf(c["tp"], fp, c["fn"])}


def _prf(tp: int, fp: int, fn: int) -> dict:
    precision = _ratio(tp, tp + fp, empty=1.0)
    recall = _ratio(tp, tp + fn, empty=1.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": round(f1, 4)}


def _ratio(part: int, whole: int, empty: float = 0.0) -> float:
    return round(part / whole, 4) if whole else empty
