"""Image copyright benchmark: recall per variant and false positives, against pHash and PDQ baselines; speed.

Prints tables and writes bench/results/images.json. Not a test: nothing here asserts.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import multiprocessing
import os
import re
import statistics
import sys
import time
from pathlib import Path

import imagehash
import numpy as np
import pdqhash
import pytesseract
from PIL import Image, ImageDraw, ImageFont, ImageOps
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from band_index import BandIndex  # noqa: E402
from photos import DETAIL_EDGES, FILES, GCOMPRIS_PACKAGE, Photo, has_detail, missing_packages, photographs, tiles  # noqa: E402,E501
from results_file import save_results  # noqa: E402
from timing import median_ms  # noqa: E402

from preflight.config import DEFAULTS  # noqa: E402
from preflight.images import ocr  # noqa: E402
from preflight.images.decode import decode_image  # noqa: E402
from preflight.images.errors import OcrTimeout  # noqa: E402
from preflight.images.fingerprint import (QUERY_SIDE, UPSCALE_BELOW, Fingerprint, analysis_gray,  # noqa: E402
                                          fingerprint, global_hashes, query_fingerprint)
from preflight.images.hashes import content_box, trim_borders  # noqa: E402
from preflight.images.index import ReferenceIndex, hash_matches  # noqa: E402
from preflight.images.ocr import (OcrText, TextRegion, assemble, likely_has_text, ocr_input,  # noqa: E402
                                  ocr_languages, read_text, text_region)
from preflight.images.variants import VARIANTS  # noqa: E402

FP_BUDGET = 0.001
# The OCR gate's levels before it looked at the background around a row (contrast, row, any background), timed and
# scored beside the current ones on the same pictures.
PREVIOUS_GATE_LEVELS = ((48, 5, None), (96, 4, None), (160, 4, None))
console = Console()
# Filled before the worker processes fork, so that they inherit the pictures instead of receiving them.
STATE: dict = {}


def small(image: Image.Image) -> Image.Image:
    """Both baselines are computed on a copy of at most 512 px a side, as PDQ's own pipeline does."""
    copy = image.copy()
    copy.thumbnail((512, 512), Image.Resampling.BILINEAR, reducing_gap=2.0)
    return copy


def phash_pair(image: Image.Image) -> tuple[np.ndarray, np.ndarray]:
    """pHash (64 bits) of the image and of its mirror."""
    return (imagehash.phash(image).hash.ravel(), imagehash.phash(ImageOps.mirror(image)).hash.ravel())


def trimmed(image: Image.Image) -> Image.Image:
    """The image without uniform borders, found on the engine's analysis copy."""
    gray = analysis_gray(image)
    top, bottom, left, right = content_box(gray)
    scale = image.width / gray.shape[1]
    return image.crop((round(left * scale), round(top * scale), round(right * scale), round(bottom * scale)))


def pdq(image: Image.Image) -> np.ndarray:
    bits, _quality = pdqhash.compute(np.ascontiguousarray(np.asarray(image.convert("RGB"))))
    return bits.astype(bool)


def pdq_set(image: Image.Image) -> list[np.ndarray]:
    """PDQ of the image, its mirror, its border-trimmed content and that content's mirror."""
    hashes = [pdq(image), pdq(ImageOps.mirror(image))]
    content = trimmed(image)
    if content.size != image.size:
        hashes += [pdq(content), pdq(ImageOps.mirror(content))]
    return hashes


def build_references(references: list[Photo]) -> dict:
    fps = [fingerprint(p.image) for p in references]
    index = ReferenceIndex()
    for ref_id, fp in enumerate(fps):
        index.add(ref_id, Fingerprint.from_bytes(fp.to_bytes()))
    return {
        "index": index,
        "previous": BandIndex(index),
        "fingerprint_bytes": [len(fp.to_bytes()) for fp in fps],
        "phash": np.stack([imagehash.phash(small(p.image)).hash.ravel() for p in references]),
        "pdq": np.stack([np.stack([pdq(small(p.image)), pdq(trimmed(small(p.image)))]) for p in references]),
    }


def query_picture(job: tuple[str, int]) -> list[dict]:
    """All variants of one picture, searched by the engine and scored by both baselines."""
    kind, number = job
    picture = STATE[kind][number]
    own = number if kind == "reference" else None
    rows = []
    for variant in STATE["variants"]:
        image = VARIANTS[variant](picture.image)
        started = time.perf_counter()
        query = query_fingerprint(image)
        searched = time.perf_counter()
        matches = STATE["index"].search(query)
        elapsed = (time.perf_counter() - started) * 1000
        search_ms = (time.perf_counter() - searched) * 1000
        searched = time.perf_counter()
        previous = [m.ref_id for m in STATE["previous"].search(query)]
        previous_ms = (time.perf_counter() - searched) * 1000
        # Other upscaling thresholds change only queries whose shorter side is under one of them.
        alternatives = {str(t): [m.ref_id for m in STATE["index"].search(query_fingerprint(image, t))]
                        if min(image.size) < max(t, UPSCALE_BELOW) else [m.ref_id for m in matches]
                        for t in STATE["upscale_compare"]}
        image = small(image)
        phashes = phash_pair(image)
        p_dist = np.min([(STATE["phash"] != h).sum(axis=1) for h in phashes], axis=0)
        pdqs = pdq_set(image)
        q_dist = np.min([(STATE["pdq"] != h).sum(axis=2).min(axis=1) for h in pdqs], axis=0)
        rows.append({
            "kind": kind, "variant": variant, "picture": picture.name, "ms": elapsed, "search_ms": search_ms,
            "previous": previous, "previous_search_ms": previous_ms,
            "featureless": own is not None and own >= STATE["detailed"],
            "matches": [m.ref_id for m in matches], "how": matches[0].how if matches else None,
            "upscaled": alternatives, "short_side": min(image.size),
            "phash_own": int(p_dist[own]) if own is not None else None, "phash_min": int(p_dist.min()),
            "pdq_own": int(q_dist[own]) if own is not None else None, "pdq_min": int(q_dist.min()),
        })
    return rows


def baseline_threshold(distractor_minimums: list[int]) -> int:
    """The largest distance at which at most FP_BUDGET of distractor queries match anything."""
    allowed = int(FP_BUDGET * len(distractor_minimums))
    ordered = sorted(distractor_minimums)
    return ordered[allowed] - 1 if allowed < len(ordered) else ordered[-1]


def score(rows: list[dict]) -> dict:
    refs = [r for r in rows if r["kind"] == "reference" and not r["featureless"]]
    featureless = [r for r in rows if r["kind"] == "reference" and r["featureless"]]
    distractors = [r for r in rows if r["kind"] == "distractor"]
    names = [p.name for p in STATE["reference"]]
    thresholds = {b: baseline_threshold([r[f"{b}_min"] for r in distractors]) for b in ("phash", "pdq")}

    def recall(mine: list[dict]) -> dict:
        return {
            "preflight": _rate(r["matches"][:1] == [names.index(r["picture"])] for r in mine),
            "previous_matcher": _rate(r["previous"][:1] == [names.index(r["picture"])] for r in mine),
            **{f"upscale_{t}": _rate(r["upscaled"][str(t)][:1] == [names.index(r["picture"])] for r in mine)
               for t in STATE["upscale_compare"]},
            "phash_mirror": _rate(r["phash_own"] <= thresholds["phash"] for r in mine),
            "pdq_mirror_trim": _rate(r["pdq_own"] <= thresholds["pdq"] for r in mine),
        }

    per_variant = {}
    for variant in STATE["variants"]:
        mine = [r for r in refs if r["variant"] == variant]
        per_variant[variant] = {"queries": len(mine), **recall(mine)}
    found_by = {}
    for r in refs:
        if r["matches"][:1] == [names.index(r["picture"])]:
            found_by[r["how"]] = found_by.get(r["how"], 0) + 1
    wrong = sum(1 for r in refs if r["matches"] and r["matches"][0] != names.index(r["picture"]))
    false_queries = sum(1 for r in distractors if r["matches"])
    return {
        "per_variant": per_variant,
        "overall": recall(refs),
        "featureless_reference_queries": len(featureless),
        "featureless_recall": recall(featureless),
        "baseline_thresholds": thresholds,
        "reference_queries": len(refs),
        "reference_queries_matching_another_reference_first": wrong,
        "found_by": found_by,
        "distractor_queries": len(distractors),
        "false_positive_queries": false_queries,
        "false_positive_rate_per_query": false_queries / max(1, len(distractors)),
        "previous_matcher_false_positive_queries": sum(1 for r in distractors if r["previous"]),
        "previous_matcher_wrong_first_match": sum(1 for r in refs if r["previous"]
                                                  and r["previous"][0] != names.index(r["picture"])),
        "false_positive_queries_by_upscale": {str(t): sum(1 for r in distractors if r["upscaled"][str(t)])
                                              for t in STATE["upscale_compare"]},
        "false_positive_pairs": sum(len(r["matches"]) for r in distractors),
        "false_positive_rate_per_pair": sum(len(r["matches"]) for r in distractors)
        / max(1, len(distractors) * len(STATE["reference"])),
        "false_positive_examples": [(r["picture"], r["variant"], r["matches"][:3]) for r in distractors
                                    if r["matches"]][:10],
        "baseline_false_positive_rates": {
            b: _rate(r[f"{b}_min"] <= thresholds[b] for r in distractors) for b in ("phash", "pdq")},
        "search_ms_median": statistics.median(r["ms"] for r in rows),
        "search_ms_p95": sorted(r["ms"] for r in rows)[int(0.95 * len(rows))],
        "index_search_ms_median": statistics.median(r["search_ms"] for r in rows),
        "previous_matcher_index_search_ms_median": statistics.median(r["previous_search_ms"] for r in rows),
    }


def _rate(values) -> float:
    values = list(values)
    return round(sum(bool(v) for v in values) / max(1, len(values)), 4)


def decode_and_hash(raw: bytes) -> list[np.ndarray]:
    """What the issue times as "decodes and hashes": decoding, the analysis copy and the global hashes."""
    gray = analysis_gray(decode_image(raw, max_bytes=64 * 2**20, max_pixels=50_000_000).image, QUERY_SIDE)
    return global_hashes(gray, trim_borders(gray))


def speed(photo: Image.Image) -> dict:
    """Decode + fingerprint of a 12 MP and a 1080×1080 JPEG; hash lookups against synthetic references (the full
    search at scale is measured by bench/image_registry.py)."""
    results = {}
    for label, size in (("12mp", (4000, 3000)), ("1080", (1080, 1080))):
        data = io.BytesIO()
        ImageOps.fit(photo, size, Image.Resampling.BICUBIC).save(data, "JPEG", quality=90)
        raw = data.getvalue()
        decoded = decode_image(raw, max_bytes=64 * 2**20, max_pixels=50_000_000)
        results[f"decode_ms_{label}"] = median_ms(
            lambda raw=raw: decode_image(raw, max_bytes=64 * 2**20, max_pixels=50_000_000), 7)
        results[f"decode_and_hashes_ms_{label}"] = median_ms(
            lambda raw=raw: decode_and_hash(raw), 7)
        results[f"fingerprint_ms_{label}"] = median_ms(lambda d=decoded: fingerprint(d.image), 7)
        results[f"query_fingerprint_ms_{label}"] = median_ms(lambda d=decoded: query_fingerprint(d.image), 7)
    rng = np.random.default_rng(5)
    query = query_fingerprint(photo)
    for count in (10_000, 100_000, 1_000_000):
        words = rng.integers(0, 2**63, size=(2 * count, 4), dtype=np.uint64)
        first = np.ascontiguousarray(words[:, 0])
        results[f"hash_lookup_ms_{count}"] = median_ms(lambda w=words, f=first: hash_matches(f, w, query.hashes), 9)
    return results


def quote_cards(count: int) -> list[tuple[Image.Image, str]]:
    """Lettered cards, each with the text drawn on it."""
    lines = ["Our cream never fails", "Guaranteed results in 3 days", "Onze schoenen genezen rugpijn",
             "Vi elsker vores kunder", "Bästa kaffet i stan", "Jetzt 50 % günstiger", "Tag a friend who needs this",
             "Monday mood", "Free shipping this weekend only", "New drop. Link in bio"]
    cards = []
    for i in range(count):
        card = Image.new("RGB", (1080, 1080), [(245, 235, 220), (20, 30, 60), (200, 40, 60)][i % 3])
        fill = (30, 30, 60) if i % 3 == 0 else (250, 250, 250)
        draw = ImageDraw.Draw(card)
        drawn = [lines[(i + j) % len(lines)] for j in range(1 + i % 3)]
        for j, line in enumerate(drawn):
            draw.text((90, 300 + 160 * j), line, fill=fill, font=ImageFont.load_default(size=56 + 8 * (i % 4)))
        cards.append((card, " ".join(drawn)))
    return cards


def read_text_by_command(image: Image.Image, languages: list[str], budget_seconds: float,
                         region: TextRegion | None) -> OcrText:
    """OCR as before: the tesseract command started per image (pytesseract, killed at the budget), on one OpenMP
    thread, reading the same input and joined the same way as `read_text`."""
    source, scale, top = ocr_input(image, region)
    try:
        data = pytesseract.image_to_data(source.convert("RGB"), lang="+".join(ocr_languages(languages)),
                                         timeout=budget_seconds, output_type=pytesseract.Output.DICT)
    except RuntimeError as exc:  # pytesseract's timeout
        raise OcrTimeout(budget_seconds) from exc
    lines = zip(data["block_num"], data["par_num"], data["line_num"])
    boxes = zip(data["left"], data["top"], data["width"], data["height"])
    return assemble(((text or "", float(conf), line, box)
                     for text, conf, line, box in zip(data["text"], data["conf"], lines, boxes)), scale, top)


def ocr_per_image(images: list[tuple[Image.Image, str | None]]) -> dict:
    """OCR time per image as a check spends it (the gate, then Tesseract on the band the gate found, en + nl, within
    the default budget per image), over the images the gate sends to OCR: in-process (tesserocr, now) and by the
    tesseract command (before), image by image in turns so that both see the same load; how many images the two
    read differently, and which share of the words drawn on the images (where known) each finds."""
    budget = DEFAULTS["OCR_SECONDS"]
    readers = {"": read_text, "_command_as_before": read_text_by_command}
    times: dict[str, list[float]] = {label: [] for label in readers}
    timeouts = dict.fromkeys(readers, 0)
    differ = 0
    found = dict.fromkeys(readers, 0)
    drawn = 0
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # the command, as the check ran it before
    for image, lettering in images:
        texts = []
        for label, reader in readers.items():
            started = time.perf_counter()
            try:
                texts.append(reader(image, ["en", "nl"], budget, text_region(image)).text)
            except OcrTimeout:  # a check lists the image in `skipped` and goes on
                timeouts[label] += 1
                texts.append(None)
            times[label].append((time.perf_counter() - started) * 1000)
        differ += texts[0] != texts[1]
        if lettering is not None:
            expected = _words_of(lettering)
            drawn += len(expected)
            for label, text in zip(readers, texts):
                found[label] += len(expected & _words_of(text or ""))
    result = {"ocr_images_read": len(images), "ocr_budget_seconds_per_image": budget,
              "ocr_text_differs_from_command": differ, "ocr_drawn_words": drawn}
    for label, values in times.items():
        result |= {f"ocr_ms_p50_per_image{label}": round(float(np.percentile(values, 50)), 1),
                   f"ocr_ms_p99_per_image{label}": round(float(np.percentile(values, 99)), 1),
                   f"ocr_ms_max_per_image{label}": round(max(values), 1),
                   f"ocr_over_budget{label}": timeouts[label],
                   f"ocr_drawn_words_found{label}": round(found[label] / drawn, 4)}
    return result


def _words_of(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


@contextlib.contextmanager
def gate_levels(levels: tuple):
    """The OCR gate with other levels, for the time of the block."""
    current = ocr._STROKE_LEVELS
    ocr._STROKE_LEVELS = levels
    try:
        yield
    finally:
        ocr._STROKE_LEVELS = current


def gate_half(name: str) -> str:
    """Half a or b of the pictures, by a hash of the photograph's name (all tiles of a photo in one half): the
    gate's settings were chosen looking at half a only, and half b tells whether they hold on pictures not looked
    at."""
    return "ab"[hashlib.sha256(name.split("#")[0].encode()).digest()[0] % 2]


def gate_rows(plain: list[Photo], texty: list[tuple[Image.Image, str]], cards: list[tuple[Image.Image, str]]) -> dict:
    """What the OCR gate sends to OCR, now and with its previous levels: the pictures without text (all and by
    half), the caption and overlay variants, the quote cards, faint lettering on plain cards; and its median time
    per picture without text (wall and CPU time), both timed picture by picture in turns so that they see the same
    load."""
    faint = []
    for background, ink in ((230, 170), (40, 100), (230, 140), (40, 130)):
        card = Image.new("RGB", (1080, 420), (background,) * 3)
        ImageDraw.Draw(card).text((80, 160), "Limited offer today", fill=(ink,) * 3,
                                  font=ImageFont.load_default(size=64))
        faint.append(card)
    rows = {}
    settings = {"": ocr._STROKE_LEVELS, "_previous": PREVIOUS_GATE_LEVELS}
    times: dict[str, list[float]] = {label: [] for label in settings}
    cpu_times: dict[str, list[float]] = {label: [] for label in settings}
    flags: dict[str, list[bool]] = {label: [] for label in settings}
    for photo in plain:
        for label, levels in settings.items():
            with gate_levels(levels):
                times[label].append(median_ms(lambda im=photo.image: likely_has_text(im), 3))
                cpu_times[label].append(median_ms(lambda im=photo.image: likely_has_text(im), 3, time.thread_time))
                flags[label].append(likely_has_text(photo.image))
    halves = [gate_half(p.name) for p in plain]
    for label, levels in settings.items():
        with gate_levels(levels):
            rows |= {
                f"gate_ms_median_on_photos{label}": round(statistics.median(times[label]), 2),
                f"gate_cpu_ms_median_on_photos{label}": round(statistics.median(cpu_times[label]), 2),
                f"gate_flags_photos_without_text{label}": _rate(flags[label]),
                **{f"gate_flags_photos_without_text_half_{h}{label}": _rate(
                    flag for flag, half in zip(flags[label], halves) if half == h) for h in "ab"},
                f"gate_hits_quote_cards{label}": _rate(likely_has_text(c) for c, _ in cards),
                f"gate_hits_caption_and_overlay_variants{label}": _rate(likely_has_text(im) for im, _ in texty),
                f"gate_hits_faint_cards_contrast_60_and_90{label}": _rate(likely_has_text(c) for c in faint),
            }
    rows |= {"photos_without_text": len(plain), **{f"photos_without_text_half_{h}": halves.count(h) for h in "ab"},
             "caption_and_overlay_variants": len(texty),
             "gate_flagged_photos": [p.name for p, flag in zip(plain, flags[""]) if flag]}
    return rows


def ocr_costs(plain: list[Photo], texty: list[tuple[Image.Image, str]]) -> dict:
    cards = quote_cards(10)
    rows = gate_rows(plain, texty, cards)
    flagged = set(rows["gate_flagged_photos"])
    sent = [(im, drawn) for im, drawn in texty + cards if likely_has_text(im)]
    sent += [(p.image, None) for p in plain if p.name in flagged]
    card = cards[0][0]
    started = time.perf_counter()
    text = read_text(card, ["en", "nl"], budget_seconds=30, region=text_region(card)).text
    ocr_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    read_text(card, ["en", "nl"], budget_seconds=30)
    whole_ms = (time.perf_counter() - started) * 1000
    return {
        **rows,
        "ocr_ms_1080_quote_card_en_nl": round(ocr_ms, 1),
        "ocr_ms_1080_quote_card_en_nl_whole_image_as_before": round(whole_ms, 1),
        "ocr_text": text,
        **ocr_per_image(sent),
    }


def print_tables(result: dict) -> None:
    table = Table(title=f"Recall per variant ({result['references']} references; "
                        f"baselines at FP ≤ {FP_BUDGET:.1%} per query; preflight upscales below {UPSCALE_BELOW} px)")
    compared = [f"upscale_{t}" for t in result["upscale_compared"]]
    for column in ("variant", "preflight", "previous matcher", *compared, "pHash+mirror", "PDQ+mirror+trim"):
        table.add_column(column, justify="right" if column != "variant" else "left")

    def cells(row: dict) -> list[str]:
        return [f"{row[k]:.3f}" for k in ("preflight", "previous_matcher", *compared, "phash_mirror",
                                          "pdq_mirror_trim")]

    for variant, row in result["quality"]["per_variant"].items():
        table.add_row(variant, *cells(row))
    table.add_row("overall", *cells(result["quality"]["overall"]), style="bold")
    console.print(table)
    q = result["quality"]
    console.print(f"featureless references (not counted above): recall {q['featureless_recall']['preflight']:.3f} "
                  f"over {q['featureless_reference_queries']} queries")
    console.print(f"false positives: {q['false_positive_queries']} of {q['distractor_queries']} distractor queries "
                  f"({q['false_positive_rate_per_query']:.4%}); pairs {q['false_positive_pairs']} "
                  f"({q['false_positive_rate_per_pair']:.6%}); wrong first match on reference queries: "
                  f"{q['reference_queries_matching_another_reference_first']}; by upscaling threshold: "
                  f"{q['false_positive_queries_by_upscale']}")
    console.print(f"previous matcher: false positives {q['previous_matcher_false_positive_queries']}, wrong first "
                  f"match {q['previous_matcher_wrong_first_match']}; index search median "
                  f"{q['index_search_ms_median']:.1f} ms (previous {q['previous_matcher_index_search_ms_median']:.1f} ms)")
    print_table("Speed and memory", {**result["speed"], **result["ocr"]})


def print_table(title: str, measures: dict) -> None:
    table = Table(title=title)
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, value in measures.items():
        if key not in ("ocr_text", "gate_flagged_photos"):
            table.add_row(key, str(value))
    console.print(table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a quarter of the photos")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--every", type=int, default=2,
                        help="query the variants of every Nth picture (the index always holds every reference)")
    parser.add_argument("--compare-upscale", default="0",
                        help="comma-separated upscaling thresholds (px of the shorter side; 0: never) scored beside "
                             f"the engine's {UPSCALE_BELOW} on the same queries")
    parser.add_argument("--variants", default="", help="comma-separated variants to query (default: all)")
    parser.add_argument("--no-speed", action="store_true", help="skip the speed, memory and OCR measures")
    parser.add_argument("--ocr-gate-only", action="store_true",
                        help="only the OCR gate's rows (what it sends to OCR, its time), now and before")
    args = parser.parse_args(argv)
    STATE["upscale_compare"] = [int(t) for t in args.compare_upscale.split(",") if t.strip()]
    STATE["variants"] = [v.strip() for v in args.variants.split(",") if v.strip()] or list(VARIANTS)
    unknown = sorted(set(STATE["variants"]) - set(VARIANTS))
    if unknown:
        parser.error(f"unknown variants: {', '.join(unknown)}")
    missing = missing_packages()
    if missing:
        console.print(f"[yellow]missing Debian packages (their photos are left out): {' '.join(missing)}[/]")
    photos = photographs()
    if args.quick:
        photos = photos[::4]
    # References with detail come first: only they count towards recall; the featureless ones stay in the index.
    candidates = [t for name, image in photos[0::2] for t in tiles(name, image)]
    detail = [has_detail(t.image) for t in candidates]
    detailed = [t for t, kept in zip(candidates, detail) if kept]
    STATE["reference"] = detailed + [t for t, kept in zip(candidates, detail) if not kept]
    STATE["detailed"] = len(detailed)
    STATE["distractor"] = [t for name, image in photos[1::2] for t in tiles(name, image)]
    # Each with the lettering the variant draws on it
    texty = [(VARIANTS[v](p.image), drawn) for p in STATE["distractor"][:40]
             for v, drawn in (("caption-below", "WHEN THE WEEKEND FINALLY ARRIVES"), ("overlay-text", "SALE 50% OFF"))]
    plain = STATE["reference"] + STATE["distractor"]
    if args.ocr_gate_only:
        gate = gate_rows(plain, texty, quote_cards(10))
        print_table("OCR gate", gate)
        save_results("images-quick-ocr-gate" if args.quick else "images-ocr-gate", gate)
        return 0
    console.print(f"{len(photos)} distinct photographs; {len(STATE['reference'])} references (tiles of "
                  f"{len(photos[0::2])} photos; {len(detailed)} with detail), {len(STATE['distractor'])} distractor "
                  f"pictures (tiles of {len(photos[1::2])} photos), {len(STATE['variants'])} variants each")
    started = time.perf_counter()
    STATE.update(build_references(STATE["reference"]))
    jobs = [("reference", i) for i in range(0, len(STATE["reference"]), args.every)]
    jobs += [("distractor", i) for i in range(0, len(STATE["distractor"]), args.every)]
    rows = []
    with multiprocessing.get_context("fork").Pool(args.workers) as pool:
        for done, chunk in enumerate(pool.imap_unordered(query_picture, jobs, chunksize=4), start=1):
            rows += chunk
            if done % 50 == 0:
                console.print(f"  {done}/{len(jobs)} pictures, {time.perf_counter() - started:.0f} s", style="dim")
    quality_seconds = time.perf_counter() - started
    result = {
        "photographs": len(photos),
        "sources": {"debian": sorted([*FILES, GCOMPRIS_PACKAGE]), "scikit-image": True},
        "references": len(STATE["reference"]),
        "references_with_detail": STATE["detailed"],
        "detail_edges": DETAIL_EDGES,
        "distractor_pictures": len(STATE["distractor"]),
        "variants": STATE["variants"],
        "upscale_below": UPSCALE_BELOW,
        "upscale_compared": STATE["upscale_compare"],
        "queried_every": args.every,
        "quality": score(rows),
        "quality_seconds": round(quality_seconds, 1),
        "fingerprint_bytes_mean": round(statistics.mean(STATE["fingerprint_bytes"])),
        "speed": {} if args.no_speed else speed(photos[0][1]),
        "ocr": {} if args.no_speed else ocr_costs(plain, texty),
        "quick": args.quick,
    }
    print_tables(result)
    # A run of some variants only, or without the speed measures, does not replace the full figures.
    partial = args.variants or args.no_speed
    save_results(("images-quick" if args.quick else "images") + ("-partial" if partial else ""), result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
