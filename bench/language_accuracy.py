"""Measure lingua and py3langid on labelled short posts: accuracy per language and sentence, and speed."""
from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from lingua import IsoCode639_1, LanguageDetectorBuilder
from py3langid.langid import MODEL_FILE, LanguageIdentifier
from rich.console import Console
from rich.table import Table

from preflight.text.language import (
    MIN_SENTENCE_LETTERS,
    MIN_SENTENCE_MARGIN,
    LanguageDetector,
    pick_sentence_language,
    sentence_spans,
    strip_noise,
)

DATA = Path(__file__).parent / "data" / "short_posts.jsonl"
LANGUAGES = ("en", "nl", "da", "sv", "de")
MIN_LETTERS_GRID = (0, 4, 8, 12, 16)
MARGIN_GRID = (0.0, 0.1, 0.2, 0.3, 0.5, 0.7)
TIMING_ROUNDS = 5

Ranker = Callable[[str], dict[str, float]]
Item = tuple[str, str, str]  # (text, true language, the post's language used as fallback)


def lingua_builder() -> LanguageDetectorBuilder:
    """Lingua restricted to our languages, models preloaded so timing excludes lazy loading."""
    codes = (IsoCode639_1.from_str(code) for code in LANGUAGES)
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_preloaded_language_models()


def lingua_ranker(low_accuracy: bool = False) -> Ranker:
    """Lingua's confidence per language."""
    builder = lingua_builder()
    detector = (builder.with_low_accuracy_mode() if low_accuracy else builder).build()

    def rank(text: str) -> dict[str, float]:
        values = detector.compute_language_confidence_values(text)
        return {v.language.iso_code_639_1.name.lower(): v.value for v in values}

    return rank


def lingua_abstaining_ranker(distance: float) -> Ranker:
    """Lingua's own abstention: detect_language_of with a minimum relative distance, as a one-hot ranking."""
    detector = lingua_builder().with_minimum_relative_distance(distance).build()

    def rank(text: str) -> dict[str, float]:
        language = detector.detect_language_of(text)
        return {language.iso_code_639_1.name.lower(): 1.0} if language else {}

    return rank


def py3langid_ranker() -> Ranker:
    """py3langid restricted to our languages, with probabilities normalised to sum to 1."""
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return lambda text: dict(identifier.rank(text))


def load(path: Path) -> tuple[list[Item], list[Item], list[Item], list[dict]]:
    """Single-language posts; sentences of mixed posts; sentences of single-language posts; mixed rows."""
    posts: list[Item] = []
    mixed: list[Item] = []
    plain: list[Item] = []
    mixed_rows: list[dict] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        text, lang = row["text"], row["lang"]
        spans = sentence_spans(text)
        labels = row.get("sentences") or [lang] * len(spans)
        if len(labels) != len(spans):
            raise SystemExit(f"{path}: {len(labels)} labels for {len(spans)} sentences in {text!r}")
        sentences = [(text[s:e], label, lang) for (s, e), label in zip(spans, labels)]
        if "sentences" in row:
            mixed_rows.append(row)
            mixed.extend(sentences)
        else:
            posts.append((text, lang, lang))
            plain.extend(sentences)
    return posts, mixed, plain, mixed_rows


def best_language(ranked: dict[str, float]) -> str | None:
    return max(ranked, key=ranked.__getitem__, default=None)


def accuracy(pairs: list[tuple[str, str | None]]) -> dict[str, float]:
    """Share of (true, predicted) pairs that agree, per true language and overall."""
    out = {}
    for lang in LANGUAGES:
        mine = [p for p in pairs if p[0] == lang]
        if mine:
            out[lang] = sum(t == p for t, p in mine) / len(mine)
    out["overall"] = sum(t == p for t, p in pairs) / len(pairs)
    return out


def sweep(ranker: Ranker, mixed: list[Item], plain: list[Item]) -> dict[tuple[int, float], tuple[int, int]]:
    """(mixed-post sentences right, single-language sentences wrongly switched) per threshold pair."""
    cleaned = {text: strip_noise(text) for text, _, _ in mixed + plain}
    ranked = {words: ranker(words) for words in cleaned.values()}
    grid = {}
    for min_letters in MIN_LETTERS_GRID:
        for margin in MARGIN_GRID:
            def choose(text: str, fallback: str) -> str:
                return pick_sentence_language(cleaned[text], fallback, ranked.__getitem__, min_letters, margin)

            right = sum(choose(t, fb) == label for t, label, fb in mixed)
            switched = sum(choose(t, fb) != label for t, label, fb in plain)
            grid[min_letters, margin] = (right, switched)
    return grid


def per_call_us(call: Callable[[str], object], texts: list[str]) -> tuple[float, float]:
    """Median and p99 wall time of one call, in microseconds, after a warm-up pass."""
    for text in texts:
        call(text)
    times = []
    for _ in range(TIMING_ROUNDS):
        for text in texts:
            started = time.perf_counter_ns()
            call(text)
            times.append((time.perf_counter_ns() - started) / 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def measure_library(ranker: Ranker, posts: list[Item], mixed: list[Item], plain: list[Item]) -> dict:
    """Raw argmax accuracy on posts and on mixed-post sentences, the fallback sweep and timing."""
    def predict(items: list[Item]) -> list[tuple[str, str]]:
        return [(label, best_language(ranker(strip_noise(text)))) for text, label, _ in items]

    grid = sweep(ranker, mixed, plain)
    best = max(grid, key=lambda k: (grid[k][0] - grid[k][1], -k[0], k[1]))
    cleaned = [strip_noise(text) for text, _, _ in posts]
    median, p99 = per_call_us(ranker, cleaned)
    return {
        "posts": accuracy(predict(posts)),
        "sentences": accuracy(predict(mixed)),
        "fallback_grid": {f"{k[0]}/{k[1]}": v for k, v in grid.items()},
        "fallback_best": {"min_letters": best[0], "margin": best[1], "right": grid[best][0], "switched": grid[best][1]},
        "fallback_shipped": grid.get((MIN_SENTENCE_LETTERS, MIN_SENTENCE_MARGIN)),
        "median_us": median,
        "p99_us": p99,
    }


def measure_shipped(posts: list[Item], mixed_rows: list[dict]) -> dict:
    """LanguageDetector end to end: detect() on whole posts, sentences() on mixed posts."""
    detector = LanguageDetector(LANGUAGES)
    detected = [(label, detector.detect(text)[0]) for text, label, _ in posts]
    pairs = []
    for row in mixed_rows:
        found = detector.sentences(row["text"], row["lang"])
        pairs.extend(zip(row["sentences"], (lang for _, _, lang in found)))
    detect_median, detect_p99 = per_call_us(detector.detect, [text for text, _, _ in posts])
    fallbacks = {row["text"]: row["lang"] for row in mixed_rows}
    sent_median, sent_p99 = per_call_us(lambda t: detector.sentences(t, fallbacks[t]), list(fallbacks))
    return {
        "detect": accuracy(detected),
        "detect_none": sum(p is None for _, p in detected),
        "sentences": accuracy(pairs),
        "detect_median_us": detect_median,
        "detect_p99_us": detect_p99,
        "sentences_median_us": sent_median,
        "sentences_p99_us": sent_p99,
    }


def percent(value: float) -> str:
    return f"{100 * value:.1f}"


def accuracy_table(results: dict, counts: dict) -> Table:
    title = f"Language accuracy (%) on {counts['posts']} posts and {counts['sentences']} mixed-post sentences"
    table = Table(title=title)
    table.add_column("library")
    table.add_column("set")
    for column in (*LANGUAGES, "overall", "median µs", "p99 µs"):
        table.add_column(column, justify="right")
    for name, result in results.items():
        for kind in ("posts", "sentences"):
            scores = result[kind]
            timing = [f"{result['median_us']:.0f}", f"{result['p99_us']:.0f}"] if kind == "posts" else ["", ""]
            cells = [percent(scores[lang]) if lang in scores else "-" for lang in (*LANGUAGES, "overall")]
            table.add_row(name, kind, *cells, *timing)
    return table


def sweep_table(results: dict, mixed_count: int, plain_count: int) -> Table:
    table = Table(
        title=f"Per-sentence fallback: mixed-post sentences right (of {mixed_count}) / "
        f"single-language sentences wrongly switched (of {plain_count})"
    )
    table.add_column("library")
    table.add_column("min letters", justify="right")
    for margin in MARGIN_GRID:
        table.add_column(f"margin {margin}", justify="right")
    for name, result in results.items():
        grid = result["fallback_grid"]
        for min_letters in MIN_LETTERS_GRID:
            cells = ["{}/{}".format(*grid[f"{min_letters}/{margin}"]) for margin in MARGIN_GRID]
            table.add_row(name, str(min_letters), *cells)
    return table


def shipped_table(shipped: dict, counts: dict) -> Table:
    table = Table(title="Shipped LanguageDetector (py3langid) end to end")
    table.add_column("call")
    for column in (*LANGUAGES, "overall", "median µs", "p99 µs"):
        table.add_column(column, justify="right")
    for call, key in (("detect() on posts", "detect"), ("sentences() on mixed posts", "sentences")):
        scores = shipped[key]
        cells = [percent(scores[lang]) if lang in scores else "-" for lang in (*LANGUAGES, "overall")]
        table.add_row(call, *cells, f"{shipped[key + '_median_us']:.0f}", f"{shipped[key + '_p99_us']:.0f}")
    table.caption = f"detect() said None for {shipped['detect_none']} of {counts['posts']} posts (counted as wrong)"
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--json", type=Path, help="write the figures here instead of printing them")
    args = parser.parse_args()

    posts, mixed, plain, mixed_rows = load(args.data)
    rankers = {
        "lingua": lingua_ranker(),
        "lingua (low accuracy)": lingua_ranker(low_accuracy=True),
        "lingua (min distance 0.1)": lingua_abstaining_ranker(0.1),
        "lingua (min distance 0.25)": lingua_abstaining_ranker(0.25),
        "py3langid": py3langid_ranker(),
    }
    results = {name: measure_library(ranker, posts, mixed, plain) for name, ranker in rankers.items()}
    shipped = measure_shipped(posts, mixed_rows)
    counts = {
        "posts": len(posts),
        "sentences": len(mixed),
        "single_language_sentences": len(plain),
        "mixed_posts": len(mixed_rows),
    }

    console = Console(width=160)
    console.print(accuracy_table(results, counts))
    console.print(sweep_table(results, len(mixed), len(plain)))
    console.print(shipped_table(shipped, counts))
    report = {"counts": counts, "libraries": results, "shipped": shipped}
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    else:
        print(json.dumps(report))


if __name__ == "__main__":
    main()
