"""Evaluate the bundled rule packs on the labelled corpus (tests/corpus/posts.jsonl).

A pack counts as "raised" for a post when the report has at least one finding of
that pack with severity warning or block (info findings do not count). For each
pack we compute precision, recall and F1 over all posts, and per language; the
false-positive rate on the negatives (posts whose `packs` list is empty); the
number of `block` verdicts on negatives; the worst misses and false positives;
and, on the English offensive-language items, the better_profanity baseline.

Usage: python bench/eval.py [--corpus PATH] [--out PATH] [--show N]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
PACKS = ["misleading-claims", "sensitive-topics", "offensive-language", "brand-tone", "privacy"]
LANGUAGES = ["en", "nl", "da", "sv", "de"]
RAISING = {"warning", "block"}


def load_corpus(path: Path) -> list[dict]:
    posts = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            post = json.loads(line)
        except json.JSONDecodeError as error:
            raise SystemExit(f"{path}:{number}: {error}") from error
        post["_line"] = number
        posts.append(post)
    ids = [p["id"] for p in posts]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise SystemExit(f"duplicate ids in corpus: {sorted(duplicates)}")
    return posts


def score(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def run(corpus: Path, out: Path, show: int) -> dict:
    from preflight import Checker

    console = Console()
    checker = Checker.from_directory(ROOT / "rules")
    posts = load_corpus(corpus)
    started = time.perf_counter()
    results = []
    for post in posts:
        today = date.fromisoformat(post["date"]) if post.get("date") else None
        report = checker.check(
            post["text"],
            language=post.get("language") or "auto",
            platform=post.get("platform"),
            context=post.get("context") or "post",
            profile=post.get("profile"),
            today=today,
        )
        raised = sorted({f.pack for f in report.findings if f.severity in RAISING})
        results.append({
            "post": post,
            "expected": sorted(set(post.get("packs") or [])),
            "raised": raised,
            "verdict": report.verdict,
            "findings": [(f.rule, f.severity, f.span.text) for f in report.findings if f.severity in RAISING],
        })
    elapsed = time.perf_counter() - started

    counts = {pack: defaultdict(lambda: [0, 0, 0]) for pack in PACKS}  # language -> [tp, fp, fn]
    misses, false_positives = [], []
    for r in results:
        language = r["post"].get("language", "?")
        for pack in PACKS:
            expected, raised = pack in r["expected"], pack in r["raised"]
            cell = counts[pack][language]
            if expected and raised:
                cell[0] += 1
            elif raised:
                cell[1] += 1
                false_positives.append((pack, r))
            elif expected:
                cell[2] += 1
                misses.append((pack, r))

    per_pack, per_pack_language = {}, {}
    for pack in PACKS:
        total = [sum(c[i] for c in counts[pack].values()) for i in range(3)]
        per_pack[pack] = score(*total)
        per_pack_language[pack] = {lang: score(*counts[pack][lang]) for lang in LANGUAGES if lang in counts[pack]}

    negatives = [r for r in results if not r["expected"]]
    negatives_flagged = [r for r in negatives if r["raised"]]
    negatives_blocked = [r for r in negatives if r["verdict"] == "block"]
    micro = score(*[sum(per_pack[p][k] for p in PACKS) for k in ("tp", "fp", "fn")])

    # Baseline: better_profanity on the English items relevant to offensive language.
    from better_profanity import profanity

    profanity.load_censor_words()
    english = [r for r in results if r["post"].get("language") == "en"]
    base, ours = [0, 0, 0], [0, 0, 0]
    for r in english:
        expected = "offensive-language" in r["expected"]
        for cell, raised in ((base, profanity.contains_profanity(r["post"]["text"])), (ours, "offensive-language" in r["raised"])):
            if expected and raised:
                cell[0] += 1
            elif raised:
                cell[1] += 1
            elif expected:
                cell[2] += 1
    baseline = {"items": len(english), "positives": sum(1 for r in english if "offensive-language" in r["expected"]),
                "better_profanity": score(*base), "preflight": score(*ours)}

    batches = {}
    for r in results:
        batch = r["post"].get("batch", "main")
        cell = batches.setdefault(batch, {"posts": 0, "negatives": 0, "tp": 0, "fp": 0, "fn": 0, "negatives_flagged": 0})
        cell["posts"] += 1
        cell["negatives"] += not r["expected"]
        cell["negatives_flagged"] += bool(not r["expected"] and r["raised"])
        for pack in PACKS:
            expected, raised = pack in r["expected"], pack in r["raised"]
            cell["tp"] += expected and raised
            cell["fp"] += raised and not expected
            cell["fn"] += expected and not raised
    by_batch = {name: {**c, **score(c["tp"], c["fp"], c["fn"])} for name, c in batches.items()}

    summary = {
        "corpus": str(corpus.relative_to(ROOT) if corpus.is_relative_to(ROOT) else corpus),
        "posts": len(results),
        "negatives": len(negatives),
        "by_language": {lang: sum(1 for r in results if r["post"].get("language") == lang) for lang in LANGUAGES},
        "positives_per_pack": {p: sum(1 for r in results if p in r["expected"]) for p in PACKS},
        "per_pack": per_pack,
        "per_pack_language": per_pack_language,
        "micro": micro,
        "negatives_false_positive_rate": round(len(negatives_flagged) / len(negatives), 4) if negatives else 0.0,
        "negatives_flagged": len(negatives_flagged),
        "negatives_blocked": len(negatives_blocked),
        "baseline_en_offensive": baseline,
        "by_batch": by_batch,
        "seconds": round(elapsed, 2),
        "misses": [_case(pack, r) for pack, r in misses],
        "false_positives": [_case(pack, r) for pack, r in false_positives],
    }

    table = Table(title=f"preflight on {len(results)} labelled posts ({len(negatives)} negatives)")
    table.add_column("pack")
    table.add_column("lang")
    for name in ("pos", "TP", "FP", "FN", "precision", "recall", "F1"):
        table.add_column(name, justify="right")
    for pack in PACKS:
        for lang, s in per_pack_language[pack].items():
            table.add_row(pack, lang, str(s["tp"] + s["fn"]), str(s["tp"]), str(s["fp"]), str(s["fn"]),
                          _fmt(s["precision"]), _fmt(s["recall"]), _fmt(s["f1"]))
        s = per_pack[pack]
        table.add_row(f"[bold]{pack}[/]", "[bold]all[/]", str(s["tp"] + s["fn"]), str(s["tp"]), str(s["fp"]), str(s["fn"]),
                      _fmt(s["precision"]), _fmt(s["recall"]), _fmt(s["f1"]), end_section=True)
    table.add_row("[bold]all packs (micro)[/]", "", str(micro["tp"] + micro["fn"]), str(micro["tp"]), str(micro["fp"]),
                  str(micro["fn"]), _fmt(micro["precision"]), _fmt(micro["recall"]), _fmt(micro["f1"]))
    console.print(table)

    console.print(f"Negatives: {len(negatives)}; flagged (warning/block): {len(negatives_flagged)} "
                  f"(false-positive rate {summary['negatives_false_positive_rate']:.1%}); "
                  f"block verdicts on negatives: [bold]{len(negatives_blocked)}[/] (target 0)")

    base_table = Table(title=f"English offensive language: {baseline['positives']} positives in {baseline['items']} English posts")
    for name in ("checker", "TP", "FP", "FN", "precision", "recall", "F1"):
        base_table.add_column(name, justify="right" if name != "checker" else "left")
    for name in ("preflight", "better_profanity"):
        s = baseline[name]
        base_table.add_row(name, str(s["tp"]), str(s["fp"]), str(s["fn"]), _fmt(s["precision"]), _fmt(s["recall"]), _fmt(s["f1"]))
    console.print(base_table)

    batch_table = Table(title="By corpus batch (probe batches were written after the rules existed, then used for tuning; see docs/eval.md)")
    for name in ("batch", "posts", "negatives", "neg. flagged", "TP", "FP", "FN", "precision", "recall"):
        batch_table.add_column(name, justify="left" if name == "batch" else "right")
    for name, c in by_batch.items():
        batch_table.add_row(name, str(c["posts"]), str(c["negatives"]), str(c["negatives_flagged"]), str(c["tp"]),
                            str(c["fp"]), str(c["fn"]), _fmt(c["precision"]), _fmt(c["recall"]))
    console.print(batch_table)

    for title, items in (("Misses", misses), ("False positives", false_positives)):
        if show <= 0:
            console.print(f"{title}: {len(items)}")
            continue
        if not items:
            console.print(f"{title}: none")
            continue
        worst = Table(title=f"{title} ({len(items)}, first {min(show, len(items))})", show_lines=False)
        worst.add_column("pack")
        worst.add_column("id")
        worst.add_column("lang")
        worst.add_column("text", overflow="fold")
        worst.add_column("raised / findings", overflow="fold")
        # Worst first: a missed block-worthy pack or a block on a negative matters most.
        items = sorted(items, key=lambda item: (item[1]["verdict"] != "block", item[0]))
        for pack, r in items[:show]:
            found = "; ".join(f"{rule} ({sev}): {text}" for rule, sev, text in r["findings"]) or "-"
            worst.add_row(pack, r["post"]["id"], r["post"].get("language", "?"), r["post"]["text"], found)
        console.print(worst)

    console.print(f"{len(results)} posts checked in {elapsed:.1f}s")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    console.print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return summary


def _case(pack: str, r: dict) -> dict:
    return {"pack": pack, "id": r["post"]["id"], "language": r["post"].get("language"), "text": r["post"]["text"],
            "expected": r["expected"], "raised": r["raised"], "verdict": r["verdict"],
            "findings": [list(f) for f in r["findings"]]}


def _fmt(value: float) -> str:
    colour = "green" if value >= 0.9 else "yellow" if value >= 0.8 else "red"
    return f"[{colour}]{value:.2f}[/]"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests" / "corpus" / "posts.jsonl")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "eval.json")
    parser.add_argument("--show", type=int, default=25, help="how many misses and false positives to print")
    args = parser.parse_args(argv)
    run(args.corpus.resolve(), args.out.resolve(), args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
