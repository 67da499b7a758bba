"""The learned check measured on the development split of the public data, per language.

For each language: the abusive-tone model alone, the offensive-language pack's word rules
alone, both together as a user sees them (language auto), and the better_profanity word
list, each as precision, recall, F1 and the false-positive rate on `not` items. Then the
model's false-positive rate on the ordinary brand posts of tests/corpus (posts with no
pack expected), and what the rule adds to check()'s p50 on the bench post, measured in
the same run with the rule on and off. Writes bench/results/learned.json.

The development items are never trained on; a figure here is a measurement, not a fit.
Usage: python bench/learned.py [--calls N] [--latency]
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from better_profanity import profanity
from engine import POSTS
from results_file import save_results
from rich.console import Console
from rich.table import Table

from preflight import Checker
from preflight.analyzer import Analyzer
from preflight.learned.dataset import split

ROOT = Path(__file__).resolve().parents[1]
PACK = "offensive-language"
RULE = "offensive-language/abusive-tone"
RAISING = {"warning", "block"}
LANGUAGES = ("en", "de", "da", "nl", "sv")
QUIET = "bench-learned-off"


def scores(flags: list[tuple[bool, bool]]) -> dict:
    tp = sum(1 for said, truth in flags if said and truth)
    fp = sum(1 for said, truth in flags if said and not truth)
    fn = sum(1 for said, truth in flags if truth and not said)
    negatives = sum(1 for _, truth in flags if not truth)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"items": len(flags), "precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
            "fpr_not": round(fp / negatives, 3) if negatives else None}


def learned_fires(checker: Checker, report, text: str, profile=None) -> bool:
    """The model on the report's sentences, before word rules hide its findings."""
    rule = next(r for r in checker.ruleset.rules if r.id == RULE)
    model = rule.matcher.model.get()
    for start, end, language in report.sentences or [(0, len(text), report.language)]:
        limit = rule.matcher.threshold_for(language, profile, model.thresholds)
        if limit is not None and model.score(text[start:end], language) >= limit:
            return True
    return False


def dev_table(checker: Checker) -> dict:
    rows: dict[str, dict[str, list]] = {}
    for item in split("dev"):
        report = checker.check(item.text)
        raised = {f.rule for f in report.findings if f.pack == PACK and f.severity in RAISING}
        said = {
            "learned": learned_fires(checker, report, item.text),
            "packs": bool(raised - {RULE}),
            "combined": bool(raised),
            "better_profanity": profanity.contains_profanity(item.text),
        }
        cell = rows.setdefault(item.language, {name: [] for name in said})
        for name, value in said.items():
            cell[name].append((value, item.offensive))
    return {language: {name: scores(flags) for name, flags in cell.items()} for language, cell in rows.items()}


def brand_posts(checker: Checker) -> dict:
    """Ordinary brand posts (no pack expected) in tests/corpus: how many the model would warn on."""
    out = {}
    for name in ("posts", "heldout"):
        for line in (ROOT / "tests" / "corpus" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
            post = json.loads(line)
            if post["packs"]:
                continue
            report = checker.check(post["text"], language=post.get("language", "auto"))
            cell = out.setdefault(post["language"], {"posts": 0, "learned": 0, "shown": 0})
            cell["posts"] += 1
            cell["learned"] += learned_fires(checker, report, post["text"])
            cell["shown"] += any(f.rule == RULE for f in report.findings)
    return out


def latency(analyzer: Analyzer, calls: int) -> dict:
    """check()'s p50 on the bench post with the rule on and off, interleaved so both see the same machine load."""
    with tempfile.TemporaryDirectory() as tmp:
        rules = Path(tmp) / "rules"
        shutil.copytree(ROOT / "rules", rules)
        (rules / "profiles" / f"{QUIET}.yaml").write_text(f"id: {QUIET}\nname: Learned check off\ndisabled_rules: [{RULE}]\n")
        checker = Checker.from_directory(rules, analyzer=analyzer)
    post = POSTS["en"][:280]
    on, off = [], []
    checker.check(post)
    for _ in range(calls):
        for profile, samples in ((None, on), (QUIET, off)):
            started = time.perf_counter()
            checker.check(post, profile=profile)
            samples.append((time.perf_counter() - started) * 1000)
    p50_on, p50_off = statistics.median(on), statistics.median(off)
    return {"calls": calls, "p50_ms_with_rule": round(p50_on, 3), "p50_ms_without_rule": round(p50_off, 3),
            "added_ms": round(p50_on - p50_off, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--latency", action="store_true", help="only the latency, without writing results")
    args = parser.parse_args()
    analyzer = Analyzer()
    if args.latency:
        Console().print(latency(analyzer, args.calls))
        return
    checker = Checker.from_directory(ROOT / "rules", analyzer=analyzer)
    started = time.perf_counter()
    dev = dev_table(checker)
    results = {"dev": dev, "dev_seconds": round(time.perf_counter() - started, 1),
               "brand_posts": brand_posts(checker), "latency": latency(analyzer, args.calls)}
    table = Table(title="Offensive language on the development split (language auto)")
    for column in ("language", "check", "items", "precision", "recall", "F1", "FPR on not"):
        table.add_column(column)
    for language in (lang for lang in LANGUAGES if lang in dev):
        for name, row in dev[language].items():
            table.add_row(language, name, str(row["items"]), f"{row['precision']:.3f}", f"{row['recall']:.3f}",
                          f"{row['f1']:.3f}", f"{row['fpr_not']:.3f}")
    console = Console()
    console.print(table)
    for language, cell in results["brand_posts"].items():
        console.print(f"ordinary brand posts {language}: model fires on {cell['learned']}/{cell['posts']}, shown {cell['shown']}")
    console.print(f"check() p50 on the bench post: {results['latency']}")
    save_results("learned", results)


if __name__ == "__main__":
    main()
