"""Evaluate the bundled rule packs: the project's own corpora (regression) beside real labelled data.

Two kinds of figures, printed side by side and never to be confused:

- **Regression**: `tests/corpus/posts.jsonl` and `tests/corpus/heldout.jsonl` were written by
  the people who wrote the rules, and every miss they showed has been tuned away. They tell
  whether a change broke something, not how good the packs are. A pack counts as "raised"
  for a post when the report has at least one finding of that pack with severity warning or
  block. For each corpus: precision, recall and F1 per pack, overall and per language; the
  false-positive rate on the negatives (posts whose `packs` list is empty); `block` verdicts
  on negatives; the worst misses and false positives; better_profanity on the English
  offensive-language items.
- **Real data**: the development split of the public labelled offensive-language data
  (`preflight.learned.dataset`, a fixed keyed-hash quarter that is never used to write rules
  or to train), scored per language with the offensive-language pack alone and language
  auto, beside better_profanity (bench/real_data.py). Only aggregate figures are printed.

Usage: python bench/eval.py [--corpus PATH] [--heldout PATH] [--data DIR] [--out PATH] [--show N]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

from real_data import measure
from rich.console import Console
from rich.table import Table

from preflight.learned import dataset

ROOT = Path(__file__).resolve().parent.parent
PACKS = ["misleading-claims", "sensitive-topics", "offensive-language", "brand-tone", "privacy"]
LANGUAGES = ["en", "nl", "da", "sv", "de"]
RAISING = {"warning", "block"}
PACK_ALONE = "offensive-language"


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


def check_all(checker, posts: list[dict]) -> list[dict]:
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
        results.append({
            "post": post,
            "expected": sorted(set(post.get("packs") or [])),
            "raised": sorted({f.pack for f in report.findings if f.severity in RAISING}),
            "verdict": report.verdict,
            "findings": [(f.rule, f.severity, f.span.text) for f in report.findings if f.severity in RAISING],
        })
    return results


def summarise(results: list[dict], corpus: Path) -> dict:
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
        per_pack[pack] = score(*[sum(c[i] for c in counts[pack].values()) for i in range(3)])
        per_pack_language[pack] = {lang: score(*counts[pack][lang]) for lang in LANGUAGES if lang in counts[pack]}
    per_language = {lang: score(*[sum(counts[p][lang][i] for p in PACKS if lang in counts[p]) for i in range(3)])
                    for lang in LANGUAGES}

    negatives = [r for r in results if not r["expected"]]
    negatives_flagged = [r for r in negatives if r["raised"]]
    micro = score(*[sum(per_pack[p][k] for p in PACKS) for k in ("tp", "fp", "fn")])

    batches = {}
    for r in results:
        cell = batches.setdefault(r["post"].get("batch", "main"), {"posts": 0, "negatives": 0, "negatives_flagged": 0, "tp": 0, "fp": 0, "fn": 0})
        cell["posts"] += 1
        cell["negatives"] += not r["expected"]
        cell["negatives_flagged"] += bool(not r["expected"] and r["raised"])
        for pack in PACKS:
            expected, raised = pack in r["expected"], pack in r["raised"]
            cell["tp"] += expected and raised
            cell["fp"] += raised and not expected
            cell["fn"] += expected and not raised

    return {
        "corpus": str(corpus.relative_to(ROOT) if corpus.is_relative_to(ROOT) else corpus),
        "posts": len(results),
        "negatives": len(negatives),
        "by_language": {lang: sum(1 for r in results if r["post"].get("language") == lang) for lang in LANGUAGES},
        "positives_per_pack": {p: sum(1 for r in results if p in r["expected"]) for p in PACKS},
        "per_pack": per_pack,
        "per_pack_language": per_pack_language,
        "per_language": per_language,
        "micro": micro,
        "negatives_false_positive_rate": round(len(negatives_flagged) / len(negatives), 4) if negatives else 0.0,
        "negatives_flagged": len(negatives_flagged),
        "negatives_blocked": sum(1 for r in negatives if r["verdict"] == "block"),
        "baseline_en_offensive": baseline(results),
        "by_batch": {name: {**c, **score(c["tp"], c["fp"], c["fn"])} for name, c in batches.items()},
        # Worst first: a missed block-worthy problem or a block on a negative matters most.
        "misses": [_case(p, r) for p, r in sorted(misses, key=_worst)],
        "false_positives": [_case(p, r) for p, r in sorted(false_positives, key=_worst)],
    }


def baseline(results: list[dict]) -> dict:
    """better_profanity and preflight on the English items, for offensive language only."""
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
    return {"items": len(english), "positives": sum(1 for r in english if "offensive-language" in r["expected"]),
            "better_profanity": score(*base), "preflight": score(*ours)}


def print_side_by_side(console: Console, runs: dict[str, dict]) -> None:
    names = list(runs)
    table = Table(title="Regression corpora, written with the rules (not a measure of quality): " + " | ".join(
        f"{n} ({runs[n]['posts']} posts, {runs[n]['negatives']} negatives)" for n in names))
    table.add_column("pack")
    table.add_column("lang")
    for n in names:
        for col in ("pos", "P", "R", "F1"):
            table.add_column(f"{n} {col}", justify="right")
    for pack in PACKS:
        for lang in LANGUAGES + ["all"]:
            row = [f"[bold]{pack}[/]" if lang == "all" else pack, "[bold]all[/]" if lang == "all" else lang]
            for n in names:
                s = runs[n]["per_pack"][pack] if lang == "all" else runs[n]["per_pack_language"][pack].get(lang)
                row += _cells(s)
            table.add_row(*row, end_section=lang == "all")
    for lang in LANGUAGES:
        table.add_row("all packs", lang, *[c for n in names for c in _cells(runs[n]["per_language"][lang])])
    table.add_row("[bold]all packs (micro)[/]", "", *[c for n in names for c in _cells(runs[n]["micro"])])
    console.print(table)

    neg = Table(title="Negatives and the better_profanity baseline (English offensive-language items)")
    for col in ("corpus", "negatives", "flagged", "FP rate", "blocked", "ours P / R", "better_profanity P / R"):
        neg.add_column(col, justify="left" if col == "corpus" else "right")
    for n in names:
        r = runs[n]
        b = r["baseline_en_offensive"]
        neg.add_row(n, str(r["negatives"]), str(r["negatives_flagged"]), f"{r['negatives_false_positive_rate']:.1%}",
                    f"[bold]{r['negatives_blocked']}[/] (target 0)",
                    f"{_fmt(b['preflight']['precision'])} / {_fmt(b['preflight']['recall'])} of {b['positives']}",
                    f"{_fmt(b['better_profanity']['precision'])} / {_fmt(b['better_profanity']['recall'])}")
    console.print(neg)

    batches = Table(title="By batch (first scores of each held-out batch, before tuning, are in docs/eval.md)")
    for col in ("corpus", "batch", "posts", "negatives", "neg. flagged", "TP", "FP", "FN", "precision", "recall"):
        batches.add_column(col, justify="left" if col in ("corpus", "batch") else "right")
    for n in names:
        for batch, c in runs[n]["by_batch"].items():
            batches.add_row(n, batch, str(c["posts"]), str(c["negatives"]), str(c["negatives_flagged"]), str(c["tp"]),
                            str(c["fp"]), str(c["fn"]), _fmt(c["precision"]), _fmt(c["recall"]))
    console.print(batches)


def print_cases(console: Console, name: str, summary: dict, show: int) -> None:
    for title, items in (("Misses", summary["misses"]), ("False positives", summary["false_positives"])):
        if show <= 0 or not items:
            console.print(f"{name}: {title.lower()}: {len(items) or 'none'}")
            continue
        worst = Table(title=f"{name}: {title.lower()} ({len(items)}, first {min(show, len(items))})")
        for col in ("pack", "id", "lang", "text", "raised / findings"):
            worst.add_column(col, overflow="fold")
        for case in items[:show]:
            found = "; ".join(f"{rule} ({sev}): {text}" for rule, sev, text in case["findings"]) or "-"
            worst.add_row(case["pack"], case["id"], case["language"] or "?", case["text"], found)
        console.print(worst)


def print_real_data(console: Console, runs: dict[str, dict], real: dict) -> None:
    """Offensive language per language: regression corpora beside the real development data."""
    if not real["available"]:
        console.print(f"[bold]Real data:[/] {real['reason']}")
        return
    table = Table(title=f"Offensive language per language: regression corpora (written with the rules) | real data, "
                        f"dev split of {real['items']} items ({PACK_ALONE} pack alone, language auto)")
    table.add_column("lang")
    for n in runs:
        table.add_column(f"regression {n}: pos, P / R", justify="right")
    for col in ("real dev: offensive / not", "P / R / F1", "FPR on not", "of which swearing", "swearing as correct: P / F1", "better_profanity P / R / F1, FPR"):
        table.add_column(col, justify="right")
    for lang in LANGUAGES:
        row = [lang]
        for n in runs:
            s = runs[n]["per_pack_language"][PACK_ALONE].get(lang)
            row.append(f"{s['tp'] + s['fn']}, {_fmt(s['precision'])} / {_fmt(s['recall'])}" if s else "-")
        cell = real["languages"][lang]
        if not cell["items"]:
            row += [f"[dim]{cell['note']}[/]", "", "", "", "", ""]
        else:
            ours, base = cell["preflight"], cell["better_profanity"]
            row += [f"{cell['offensive']} / {cell['not']}",
                    f"{_fmt(ours['precision'])} / {_fmt(ours['recall'])} / [bold]{_fmt(ours['f1'])}[/]",
                    f"{ours['fpr']:.1%} ({ours['fp']})",
                    f"{ours['fp_swearing']} (without: {ours['fpr_without_swearing']:.1%})",
                    f"{_fmt(ours['brand']['precision'])} / [bold]{_fmt(ours['brand']['f1'])}[/]",
                    f"{base['precision']:.2f} / {base['recall']:.2f} / {base['f1']:.2f}, {base['fpr']:.1%}"]
        table.add_row(*row)
    console.print(table)
    for lang in LANGUAGES:
        fired = real["languages"][lang].get("rules_on_not_items")
        if fired:
            console.print(f"{lang}: rules raised on dev 'not' items: " + ", ".join(f"{r} {n}" for r, n in fired.items()))


def run(corpora: dict[str, Path], data: Path, out: Path, show: int) -> dict:
    from preflight import Checker

    # Wide enough for the side-by-side table when the output goes to a file or a pipe.
    console = Console() if sys.stdout.isatty() else Console(width=170)
    checker = Checker.from_directory(ROOT / "rules")
    runs, started = {}, time.perf_counter()
    for name, path in corpora.items():
        runs[name] = summarise(check_all(checker, load_corpus(path)), path)
    elapsed = time.perf_counter() - started
    print_side_by_side(console, runs)
    for name, summary in runs.items():
        print_cases(console, name, summary, show)
    console.print(f"{sum(r['posts'] for r in runs.values())} regression posts checked in {elapsed:.1f}s")
    started = time.perf_counter()
    real = measure(checker, data)
    real_elapsed = time.perf_counter() - started
    print_real_data(console, runs, real)
    if real["available"]:
        console.print(f"{real['items']} real items checked in {real_elapsed:.1f}s")
    out.parent.mkdir(parents=True, exist_ok=True)
    results = {**runs, "seconds": round(elapsed, 2), "real-data-dev": {**real, "seconds": round(real_elapsed, 2)}}
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    console.print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return results


def _worst(item: tuple[str, dict]) -> tuple:
    pack, r = item
    return (r["verdict"] != "block", pack, r["post"]["id"])


def _case(pack: str, r: dict) -> dict:
    return {"pack": pack, "id": r["post"]["id"], "language": r["post"].get("language"), "text": r["post"]["text"],
            "expected": r["expected"], "raised": r["raised"], "verdict": r["verdict"],
            "findings": [list(f) for f in r["findings"]]}


def _cells(s: dict | None) -> list[str]:
    if s is None:
        return ["0", "-", "-", "-"]
    return [str(s["tp"] + s["fn"]), _fmt(s["precision"]), _fmt(s["recall"]), _fmt(s["f1"])]


def _fmt(value: float) -> str:
    colour = "green" if value >= 0.9 else "yellow" if value >= 0.8 else "red"
    return f"[{colour}]{value:.2f}[/]"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests" / "corpus" / "posts.jsonl")
    parser.add_argument("--heldout", type=Path, default=ROOT / "tests" / "corpus" / "heldout.jsonl",
                        help="held-out corpus printed beside the main one; '-' for none")
    parser.add_argument("--data", type=Path, default=dataset.data_dir(),
                        help="folder of the public labelled data (its offensive/*.jsonl); its dev split is scored")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "eval.json")
    parser.add_argument("--show", type=int, default=15, help="how many misses and false positives to print per corpus")
    args = parser.parse_args(argv)
    corpora = {"in-corpus": args.corpus.resolve()}
    if str(args.heldout) != "-":
        corpora["held-out"] = args.heldout.resolve()
    run(corpora, args.data, args.out.resolve(), args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
