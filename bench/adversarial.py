"""Hostile inputs: the worst time per input class next to a normal post's, measured in the same run.

Texts are compared per character with a normal 280-character post (the target: every class
within 20 times). Images and packs are compared with their ordinary counterpart. Prints a table
and writes bench/results/adversarial.json. Not a test: nothing here asserts.
"""
from __future__ import annotations

import io
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image
from results_file import save_results

from preflight import Checker, PackError
from preflight.text.analyzer import Analyzer
from preflight.checker import MAX_TEXT_CHARS
from preflight.images.check import Attached, ImageLimits, check_images
from preflight.images.index import ReferenceIndex

ROOT = Path(__file__).resolve().parents[1]
NORMAL = ("Big news for runners! Our new trail shoe is here, with a grippier sole and recycled mesh upper. "
          "We tested it on muddy hills all autumn and loved it. Pick your colour at the link in bio and tell "
          "us where you will take it first, we read every reply. #trailrunning #newin 🏃‍♀️ See you out there!")
NORMAL_RUNS = 50
RUNS = 3
SIZES = (10_000, MAX_TEXT_CHARS)


def text_classes(n: int) -> dict[str, str]:
    """One hostile text of about n characters per class."""
    return {
        "long punctuation run": "Sale" + "!" * (n - 4),
        "closing parentheses": ")" * n,
        "hash signs": "#" * n,
        "emoji": "😀" * n,
        "family emoji": "👨‍👩‍👧‍👦" * (n // 7),
        "skin-tone emoji": "👍🏽" * (n // 2),
        "flags": "🇳🇱" * (n // 2),
        "combining accents": "e" + "\u0301" * (n - 1),
        "e-mail-like": "a" * (n - 2) + " @",
        "dotted e-mail-like": "a." * (n // 2 - 1) + "@b",
        "long word": "a" * n,
        "hyphen run between letters": "a" + "-" * (n - 2) + "b",
        "long hashtag": "#" + "Ab" * (n // 2),
        "many hashtags": "#WhyIStayed " * (n // 12),
        "many mentions": "@brand_news " * (n // 12),
        "many URLs": "https://example.com/a " * (n // 22),
        "masked words": "".join(f"{chr(97 + i % 26)}*{chr(97 + i // 26 % 26)}k " for i in range(n // 5)),
        "spaced letters": "s h i t " * (n // 8),
        "spaced letters in runs of 24": "s h i t s h i t s h i t s h i t s h i t s h i t zz " * (n // 51),
        "stretched letters": "shi" + "i" * (n - 4) + "t",
        "many sentences": "".join(f"Word{i} here. " for i in range(n // 14)),
        "NFKC expansion (ﷺ)": "\ufdfa" * n,
        "lone surrogates": "\ud800" * n,
        "alternating punctuation": "!?" * (n // 2),
        "alternating emoji": "😀🎉" * (n // 2),
    }


def cpu_seconds(work) -> float:
    """CPU time of this process: on a busy machine, waiting for a core is not the input's cost."""
    started = time.process_time()
    work()
    return time.process_time() - started


def best_seconds(checker: Checker, text: str, runs: int) -> float:
    def check() -> None:
        checker.analyzer.detector.forget()  # every run a new post: no cached sentence
        checker.check(text)

    return min(cpu_seconds(check) for _ in range(runs))


def texts(checker: Checker) -> tuple[dict, list[dict]]:
    normal = best_seconds(checker, NORMAL, NORMAL_RUNS)
    normal_per_char = normal / len(NORMAL)
    base = {"chars": len(NORMAL), "seconds": normal, "us_per_char": normal_per_char * 1e6}
    rows = []
    for kind in text_classes(SIZES[0]):
        worst = None
        for size in SIZES:
            text = text_classes(size)[kind][:MAX_TEXT_CHARS]
            seconds = best_seconds(checker, text, RUNS)
            row = {"class": kind, "chars": len(text), "seconds": seconds, "us_per_char": seconds / len(text) * 1e6,
                   "ratio_per_char": seconds / len(text) / normal_per_char}
            if worst is None or row["ratio_per_char"] > worst["ratio_per_char"]:
                worst = row
        rows.append(worst)
    return base, rows


def gif(frames: int, side: int) -> bytes:
    """An animation of alternating plain frames: a small file, a billion pixels to decode."""
    out = io.BytesIO()
    images = [Image.new("P", (side, side), i % 2) for i in range(frames)]
    images[0].save(out, "GIF", save_all=True, append_images=images[1:])
    return out.getvalue()


def photo() -> bytes:
    """A 12-megapixel phone-sized JPEG: gradients with some noise, about as dense as a photo."""
    rows, cols = np.mgrid[0:3000, 0:4000]
    noise = np.random.default_rng(1).integers(0, 48, (3000, 4000), dtype=np.int64)
    pixels = np.stack([(rows // 12 + noise) % 256, (cols // 16 + noise) % 256, (rows + cols) // 28 % 256], axis=-1)
    out = io.BytesIO()
    Image.fromarray(pixels.astype(np.uint8)).save(out, "JPEG", quality=90)
    return out.getvalue()


def images(checker: Checker) -> list[dict]:
    limits = ImageLimits(max_bytes=10 * 2**20, max_pixels=40_000_000, ocr_seconds=5.0)

    def seconds(attachments: list[bytes]) -> float:
        return cpu_seconds(lambda: check_images(
            [Attached(data) for data in attachments], checker=checker, index=ReferenceIndex(), lookup=lambda ids: {},
            limits=limits, language="en", platform=None, profile=None, context="post", post_language="en"))

    normal = photo()
    bomb = gif(64, 4000)
    normal_seconds = min(seconds([normal]) for _ in range(RUNS))
    rows = [{"class": "12 MP JPEG photo (normal)", "bytes": len(normal), "seconds": normal_seconds, "ratio": 1.0}]
    for label, attachments in (("GIF, 64 frames of 4000 x 4000", [bomb]),
                               ("4 such GIFs in one request", [bomb] * 4),
                               ("4 photos in one request", [normal] * 4)):
        taken = min(seconds(attachments) for _ in range(RUNS))
        rows.append({"class": label, "bytes": sum(map(len, attachments)), "seconds": taken,
                     "ratio": taken / normal_seconds})
    return rows


def alias_bomb(levels: int) -> str:
    lines = ['x0: &x0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"x{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * 10) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def packs(analyzer: Analyzer) -> list[dict]:
    bundled = cpu_seconds(lambda: Checker.from_directory(ROOT / "rules", analyzer=analyzer))
    rows = [{"class": "bundled packs, loaded (normal)", "seconds": bundled, "ratio": 1.0}]
    with tempfile.TemporaryDirectory() as tmp:
        for label, body in (("alias bomb, 9 levels (10^9 items)", alias_bomb(9)),
                            ("lists nested 5,000 deep", "[" * 5000 + "]" * 5000)):
            path = Path(tmp) / "demo.yaml"
            path.write_text(body, encoding="utf-8")
            outcome = ["loaded"]

            def load() -> None:
                try:
                    Checker.from_directory(tmp, analyzer=analyzer)
                except PackError as exc:
                    outcome[0] = str(exc.problems[0]).replace(tmp + "/", "")

            taken = cpu_seconds(load)
            rows.append({"class": label, "seconds": taken, "ratio": taken / bundled, "outcome": outcome[0]})
    return rows


def main() -> None:
    analyzer = Analyzer()
    analyzer.pipelines.warm()
    checker = Checker.from_directory(ROOT / "rules", analyzer=analyzer)
    base, text_rows = texts(checker)
    print(f"normal post: {base['chars']} characters, {base['seconds'] * 1000:.2f} ms, {base['us_per_char']:.1f} µs per character (CPU time)")
    print(f"{'text class':32} {'chars':>7} {'seconds':>8} {'µs/char':>8} {'× normal/char':>14}")
    for row in text_rows:
        print(f"{row['class']:32} {row['chars']:7} {row['seconds']:8.3f} {row['us_per_char']:8.1f} {row['ratio_per_char']:14.1f}")
    worst = max(text_rows, key=lambda r: r["ratio_per_char"])
    print(f"worst text class: {worst['class']}, {worst['ratio_per_char']:.1f} × a normal post per character (target ≤ 20)")
    image_rows = images(checker)
    pack_rows = packs(analyzer)
    for title, rows in (("image class", image_rows), ("pack class", pack_rows)):
        print(f"\n{title:40} {'seconds':>8} {'× normal':>9}")
        for row in rows:
            print(f"{row['class']:40} {row['seconds']:8.3f} {row['ratio']:9.1f}  {row.get('outcome', '')}")
    save_results("adversarial", {
        "normal_post": base, "texts": text_rows, "worst_text_ratio_per_char": worst["ratio_per_char"],
        "images": image_rows, "packs": pack_rows,
        "median_text_ratio_per_char": statistics.median(r["ratio_per_char"] for r in text_rows),
    })


if __name__ == "__main__":
    main()
