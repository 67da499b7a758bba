"""The learned check measured on the development split of the public data, per language.

For each language: the abusive-tone model alone, the offensive-language pack's word rules
alone, both together as a user sees them (language auto), and the better_profanity word
list, each as precision, recall, F1 and the false-positive rate on `not` items. Then the
model's false-positive rate on the ordinary brand posts of tests/corpus (every post the
offensive-language pack is not expected on), how many of their sentences reach the sentence
encoder, check()'s p50 and p99 on them as new posts (the encoder's cache emptied before each),
what the rule adds to check()'s p50 on the bench post, measured in the same run with the
rule on and off, and the process's memory. Writes bench/results/learned.json.

The encoder costs tens of milliseconds a sentence on one core, so `--english F` measures a
fixed share of the English development items (the same ones every run; German and Danish
are always measured whole).

The development items are never trained on; a figure here is a measurement, not a fit.
Usage: python bench/learned.py [--calls N] [--latency] [--english F]   (--latency: speed and brand posts only, nothing written)
"""
from __future__ import annotations

import argparse
import hashlib
import json
import resource
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
from preflight.text.analyzer import Analyzer
from preflight.learned.dataset import split
from preflight.learned.encoder import shared_encoder
from preflight.learned.head import EncoderHead

ROOT = Path(__file__).resolve().parents[1]
PACK = "offensive-language"
RULE = "offensive-language/abusive-tone"
RAISING = {"warning", "block"}
LANGUAGES = ("en", "de", "da", "nl", "sv")
QUIET = "bench-learned-off"
SAMPLE_SEED = "bench-learned-english"


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
    sentences = report.sentences or [(0, len(text), report.language)]
    return any(row.score >= row.threshold for row in rule.matcher.scored(text, sentences, report.language, profile))


def measured(item, english: float) -> bool:
    if item.language != "en" or english >= 1:
        return True
    return int.from_bytes(hashlib.sha256(f"{SAMPLE_SEED}:{item.id}".encode()).digest()[:8], "big") / 2**64 < english


def dev_table(checker: Checker, english: float) -> dict:
    rows: dict[str, dict[str, list]] = {}
    for item in (item for item in split("dev") if measured(item, english)):
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


def uses_encoder(checker: Checker) -> bool:
    rule = next(r for r in checker.ruleset.rules if r.id == RULE)
    return isinstance(rule.matcher.model.get(), EncoderHead)


def brand_posts(checker: Checker) -> dict:
    """Ordinary brand posts of tests/corpus (the pack not expected): warnings, encoder reach, new-post latency."""
    out = {}
    encoder = shared_encoder() if uses_encoder(checker) else None
    times: dict[str, list[float]] = {}
    sentences, encoded, reached = 0, 0, 0
    for name in ("posts", "heldout"):
        for line in (ROOT / "tests" / "corpus" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
            post = json.loads(line)
            if PACK in post["packs"]:
                continue
            before = 0
            if encoder is not None:
                encoder.forget()
                before = encoder.embedded
            started = time.perf_counter()
            report = checker.check(post["text"], language=post.get("language", "auto"))
            times.setdefault(post["language"], []).append((time.perf_counter() - started) * 1000)
            added = encoder.embedded - before if encoder is not None else 0
            sentences += len(report.sentences)
            encoded += added
            reached += added > 0
            cell = out.setdefault(post["language"], {"posts": 0, "learned": 0, "shown": 0})
            cell["posts"] += 1
            cell["learned"] += learned_fires(checker, report, post["text"])
            cell["shown"] += any(f.rule == RULE for f in report.findings)
    for language, samples in times.items():
        samples.sort()
        out[language] |= {"check_p50_ms": round(statistics.median(samples), 2),
                          "check_p99_ms": round(samples[min(len(samples) - 1, int(0.99 * len(samples)))], 2)}
    every = sorted(sample for samples in times.values() for sample in samples)
    return {"by_language": out, "posts": len(every), "sentences": sentences, "sentences_encoded": encoded,
            "posts_reaching_encoder": reached, "check_p50_ms": round(statistics.median(every), 2),
            "check_p99_ms": round(every[min(len(every) - 1, int(0.99 * len(every)))], 2)}


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
    encoder = shared_encoder() if uses_encoder(checker) else None
    for _ in range(calls):
        for profile, samples in ((None, on), (QUIET, off)):
            if encoder is not None:
                encoder.forget()  # a new post each time, as far as the encoder can tell
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
    parser.add_argument("--english", type=float, default=1.0, help="share of the English development items measured")
    args = parser.parse_args()
    analyzer = Analyzer()
    if args.latency:
        console = Console()
        console.print(latency(analyzer, args.calls))
        console.print(brand_posts(Checker.from_directory(ROOT / "rules", analyzer=analyzer)))
        console.print(f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        return
    checker = Checker.from_directory(ROOT / "rules", analyzer=analyzer)
    started = time.perf_counter()
    dev = dev_table(checker, args.english)
    results = {"english_share": args.english, "dev": dev, "dev_seconds": round(time.perf_counter() - started, 1),
               "brand_posts": brand_posts(checker), "latency": latency(analyzer, args.calls),
               "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
    table = Table(title="Offensive language on the development split (language auto)")
    for column in ("language", "check", "items", "precision", "recall", "F1", "FPR on not"):
        table.add_column(column)
    for language in (lang for lang in LANGUAGES if lang in dev):
        for name, row in dev[language].items():
            table.add_row(language, name, str(row["items"]), f"{row['precision']:.3f}", f"{row['recall']:.3f}",
                          f"{row['f1']:.3f}", f"{row['fpr_not']:.3f}")
    console = Console()
    console.print(table)
    brand = results["brand_posts"]
    for language, cell in brand["by_language"].items():
        console.print(f"ordinary brand posts {language}: model fires on {cell['learned']}/{cell['posts']}, shown {cell['shown']}, "
                      f"check() as a new post p50 {cell['check_p50_ms']} ms, p99 {cell['check_p99_ms']} ms")
    console.print(f"of {brand['posts']} ordinary posts ({brand['sentences']} sentences), {brand['posts_reaching_encoder']} reached the "
                  f"encoder ({brand['sentences_encoded']} sentences); check() as a new post p50 {brand['check_p50_ms']} ms, "
                  f"p99 {brand['check_p99_ms']} ms; max RSS {results['max_rss_mb']} MB")
    console.print(f"check() p50 on the bench post: {results['latency']}")
    save_results("learned", results)


if __name__ == "__main__":
    main()
