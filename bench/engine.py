"""Engine benchmark: check() latency, growth with rule count, start-up time and memory.

Prints a table and writes bench/results/engine.json. Not a test: nothing here asserts.
"""
from __future__ import annotations

import gc
import random
import statistics
import tempfile
import time
from pathlib import Path

import psutil
from results_file import save_results
from rich.console import Console
from rich.table import Table

from preflight import Checker
from preflight.text.analyzer import Analyzer

ROOT = Path(__file__).resolve().parents[1]

POSTS = {
    "en": "Big news for runners! Our new trail shoe is here, with a grippier sole and recycled mesh upper. "
          "We tested it on muddy hills all autumn and loved it. Pick your colour at the link in bio and "
          "tell us where you will take it first, we read every reply. #trailrunning #newin 🏃‍♀️",
    "nl": "Grote nieuws voor hardlopers! Onze nieuwe trailschoen is er, met een stevigere zool en een bovenwerk "
          "van gerecycled gaas. We testten hem de hele herfst op modderige heuvels. Kies je kleur via de link "
          "in onze bio en vertel waar je hem mee naartoe neemt. #hardlopen #nieuw 🏃‍♀️ Tot snel!",
}
CALLS = 10_000
SIZES = (100, 1_000, 10_000)
GROWTH_ROUNDS = 5
GROWTH_CALLS = 2_000


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def time_calls(fn, calls: int, setup=None) -> list[float]:
    fn()
    gc.collect()
    gc.disable()
    try:
        samples = []
        for _ in range(calls):
            if setup is not None:
                setup()
            started = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - started) * 1000)
    finally:
        gc.enable()
    return samples


def synthetic_pack(directory: Path, rules: int) -> None:
    """A pack of `rules` phrase rules, one made-up term each, none of which occur in the posts."""
    rng = random.Random(rules)
    letters = "bcdfghklmnprstvz"
    lines = ["id: synthetic", "title: Synthetic", "version: 1.0.0", "rules:"]
    for index in range(rules):
        term = "".join(rng.choice(letters) + rng.choice("aeiou") for _ in range(4))
        lines += [
            f"  - id: rule-{index}",
            "    severity: warning",
            '    message: {en: "{match}"}',
            f"    match: {{phrase: {{en: [{term}, {term}s]}}}}",
        ]
    (directory / "synthetic.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> dict:
    process = psutil.Process()
    rss_before = process.memory_info().rss
    started = time.perf_counter()
    analyzer = Analyzer()
    analyzer.warm()  # every language, as the server does
    checker = Checker.from_directory(ROOT / "rules", analyzer=analyzer)
    for language, post in POSTS.items():
        checker.check(post, language=language)
    startup_s = time.perf_counter() - started
    rss_mb = (process.memory_info().rss - rss_before) / 2**20

    post = POSTS["en"][:280]
    forget = checker.analyzer.detector.forget
    rows = {}
    for label, kwargs in (("en, language given", {"language": "en"}), ("en, language auto", {"language": "auto"}),
                          ("nl, language auto", {"language": "auto"})):
        text = POSTS["nl"][:280] if label.startswith("nl") else post
        # Cold: the sentence-language cache is emptied before every call, as for a new post.
        samples = time_calls(lambda: checker.check(text, platform="x", **kwargs), CALLS, setup=forget)
        rows[label] = {"p50_ms": statistics.median(samples), "p99_ms": percentile(samples, 0.99), "calls": CALLS}

    synthetic = {}
    for size in SIZES:
        with tempfile.TemporaryDirectory() as tmp:
            synthetic_pack(Path(tmp), size)
            synthetic[size] = Checker.from_directory(tmp, analyzer=analyzer)
    # Interleaved rounds, so that drift in the machine's speed hits every size alike.
    samples = {size: [] for size in SIZES}
    for _ in range(GROWTH_ROUNDS):
        for size, checker_n in synthetic.items():
            samples[size] += time_calls(lambda: checker_n.check(post, language="en"), GROWTH_CALLS)
    growth = {size: statistics.median(values) for size, values in samples.items()}

    baselines = {}
    try:
        from better_profanity import profanity

        profanity.load_censor_words()
        samples = time_calls(lambda: profanity.contains_profanity(post), 200)
        baselines["better-profanity contains_profanity"] = statistics.median(samples)
    except ImportError:
        pass
    import spacy
    from spacy.matcher import PhraseMatcher

    nlp = spacy.blank("en")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    rng = random.Random(1)
    matcher.add("terms", [nlp.make_doc("".join(rng.choice("bcdfgklmnprst") + rng.choice("aeiou") for _ in range(4))) for _ in range(10_000)])
    samples = time_calls(lambda: matcher(nlp.make_doc(post)), 3_000)
    baselines["spaCy blank tokenizer + PhraseMatcher (10,000 terms)"] = statistics.median(samples)

    result = {
        "post_chars": len(post),
        "startup_s": round(startup_s, 2),
        "rss_mb": round(rss_mb, 1),
        "latency": {k: {m: round(v, 4) if isinstance(v, float) else v for m, v in row.items()} for k, row in rows.items()},
        "growth_p50_ms": {str(k): round(v, 4) for k, v in growth.items()},
        "growth_ratio_10x": {f"{a}->{b}": round(growth[b] / growth[a], 2) for a, b in zip(SIZES, SIZES[1:])},
        "baselines_p50_ms": {k: round(v, 4) for k, v in baselines.items()},
    }
    show(result)
    return result


def show(result: dict) -> None:
    console = Console()
    table = Table(title=f"check() on a {result['post_chars']}-character post, all shipped packs")
    # The target is at most twice the tokenizer + PhraseMatcher floor measured in the same run.
    floor = next((v for k, v in result["baselines_p50_ms"].items() if "PhraseMatcher" in k), None)
    for column in ("case", "p50 ms", "p99 ms", "calls", "p50 / PhraseMatcher baseline"):
        table.add_column(column, justify="right" if column != "case" else "left")
    for label, row in result["latency"].items():
        table.add_row(label, f"{row['p50_ms']:.3f}", f"{row['p99_ms']:.3f}", f"{row['calls']:,}",
                      f"{row['p50_ms'] / floor:.1f}×" if floor else "")
    for label, value in result["baselines_p50_ms"].items():
        table.add_row(f"baseline: {label}", f"{value:.3f}", "", "", "")
    console.print(table)
    growth = Table(title="Growth with rule count (synthetic phrase rules, p50)")
    growth.add_column("rules", justify="right")
    growth.add_column("p50 ms", justify="right")
    growth.add_column("ratio to previous", justify="right")
    previous = None
    for size, value in result["growth_p50_ms"].items():
        growth.add_row(size, f"{value:.3f}", f"{value / previous:.2f}×" if previous else "")
        previous = value
    console.print(growth)
    console.print(f"start-up, five languages and all packs: {result['startup_s']} s; resident memory added: {result['rss_mb']} MiB")


if __name__ == "__main__":
    save_results("engine", main())
