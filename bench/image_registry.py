"""Reference registry at scale: bulk import rate, building a process's index, and search at scale.

Generates N distinct JPEGs (crops of scikit-image's sample photos, shifted in colour), imports them with
`preflight images import`, then times a cold index build (what a worker does at start) and a refresh after
one more reference (what every worker does within a second of a change).

`--synthetic 10000,100000,1000000:30` instead times a full search over that many synthetic references (random
hashes and 300 random descriptors each, or as many as given after a colon) with the FAISS index, with the
FAISS index searched with its previous settings, and with the previous band index, in the same run; and the
memory of a worker process that maps the saved index. Five real photographs are registered among the
synthetic references, and hard variants of them are searched: how many each index still finds at that scale.
"""
from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import faiss
import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "images"))
from band_index import BandSnapshot  # noqa: E402
from results_file import save_results  # noqa: E402
from timing import median_ms  # noqa: E402

from preflight.images.registry import LoadedIndex, prepare_reference  # noqa: E402
from preflight.images.fingerprint import Fingerprint, fingerprint, query_fingerprint  # noqa: E402
from preflight.images.index import ReferenceIndex  # noqa: E402
from preflight.images.keypoints import EMPTY, FEATURES, Keypoints  # noqa: E402
from preflight.images.variants import VARIANTS  # noqa: E402
from preflight.cli.images import add_images_parser, run_images  # noqa: E402
from preflight.storage import Store  # noqa: E402
from preflight.storage.images import NewReference, References  # noqa: E402

SAMPLES = ("astronaut.png", "coffee.png", "chelsea.png", "rocket.jpg", "motorcycle_left.png", "hubble_deep_field.jpg")


def sample_photos() -> list[Image.Image]:
    import skimage.data

    folder = Path(skimage.data.__file__).parent
    return [Image.open(folder / name).convert("RGB") for name in SAMPLES]


def write_library(folder: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    photos = sample_photos()
    for number in range(count):
        source = photos[number % len(photos)]
        w, h = source.size
        cw, ch = rng.randint(w // 2, w), rng.randint(h // 2, h)
        left, top = rng.randint(0, w - cw), rng.randint(0, h - ch)
        tile = np.asarray(source.crop((left, top, left + cw, top + ch)).resize((640, 480)), dtype=np.int16)
        tint = np.array([rng.randint(-40, 40) for _ in range(3)], dtype=np.int16)
        out = io.BytesIO()
        Image.fromarray(np.clip(tile + tint, 0, 255).astype(np.uint8)).save(out, "JPEG", quality=85)
        (folder / f"stock-{number:06d}.jpg").write_bytes(out.getvalue())


def synthetic_references(count: int, rng, keypoints: int = FEATURES) -> list[tuple[int, Fingerprint]]:
    """References with random hashes and random keypoints (300 each by default; real ones cluster more)."""
    descriptors = rng.integers(0, 256, size=(count, keypoints, 32), dtype=np.uint8)
    points = rng.uniform(0, 640, size=(keypoints, 2)).astype(np.float32)
    hashes = rng.integers(0, 256, size=(count, 4, 32), dtype=np.uint8)
    return [(ref_id, Fingerprint(640, 400, (640, 400), hashes[ref_id], Keypoints(points, descriptors[ref_id]), EMPTY))
            for ref_id in range(count)]


# The hardest variants of the image bench: the real references must still be found among the synthetic ones.
HARD_VARIANTS = ("small-repost", "crop-20-offcentre", "rotate-5-cropped", "crop+caption+jpeg", "screenshot",
                 "jpeg-q10", "caption-above", "overlay-text")


def real_references(photos: list[Image.Image], first_id: int) -> tuple[list, list]:
    """(id, fingerprint) of each photo as a reference, and (id, query fingerprint) of its hard variants."""
    references = [(first_id + n, fingerprint(photo)) for n, photo in enumerate(photos)]
    queries = [(first_id + n, query_fingerprint(VARIANTS[name](photo)))
               for n, photo in enumerate(photos) for name in HARD_VARIANTS]
    return references, queries


def found(search, queries) -> tuple[int, float]:
    """How many queries find their reference, and the median time of a search among them (ms)."""
    hits, times = 0, []
    for ref_id, query in queries:
        started = time.perf_counter()
        matches = search(query)
        times.append((time.perf_counter() - started) * 1000)
        hits += any(m.ref_id == ref_id for m in matches)
    return hits, round(statistics.median(times), 1)


def cpu_ms(fn) -> float:
    """Median CPU time of the calling thread (ms): what a search costs a core, whatever else keeps the machine busy
    (a search runs on one thread)."""
    return median_ms(fn, clock=time.thread_time)


@contextmanager
def previous_settings(index: ReferenceIndex):
    """The FAISS index searched as before this round: 8 lists probed and 32 graph candidates at every size."""
    faiss_index = index._current().descriptor_index
    quantizer = faiss.downcast_IndexBinary(faiss_index.quantizer) if hasattr(faiss_index, "nprobe") else None
    saved = (faiss_index.nprobe, quantizer.hnsw.efSearch) if isinstance(quantizer, faiss.IndexBinaryHNSW) else None
    if saved:
        faiss_index.nprobe, quantizer.hnsw.efSearch = 8, 32
    try:
        yield
    finally:
        if saved:
            faiss_index.nprobe, quantizer.hnsw.efSearch = saved


# Run in a fresh process: what one worker holds once it has mapped the saved index and searched with it.
_WORKER = """
import json, sys, time
from PIL import Image
from preflight.images.fingerprint import query_fingerprint
from preflight.images.index import SavedIndex
index = SavedIndex(__import__("pathlib").Path(sys.argv[1]))
query = query_fingerprint(Image.open(sys.argv[2]).convert("RGB"))
for _ in range(10):
    index.search(query)
fields = {}
for line in open("/proc/self/smaps_rollup"):
    name, _, rest = line.partition(":")
    if name in ("Rss", "Pss", "Private_Clean", "Private_Dirty"):
        fields[name] = int(rest.split()[0]) * 1024
print(json.dumps(fields))
"""


def synthetic(sizes: list[tuple[int, int]]) -> None:
    rng = np.random.default_rng(5)
    photos = sample_photos()
    # The timed query is a photo that is not registered (as most posted images are); the others are references.
    photo, registered = photos[1], photos[:1] + photos[2:]
    query = query_fingerprint(photo)
    results = {}
    print("| references × keypoints | full search, FAISS (ms) | FAISS, previous settings (ms) | previous band index (ms) "
          "| CPU time of a search: FAISS / previous settings (ms) "
          "| hard variants found: FAISS / previous settings / band index | search among them, median (ms) "
          "| index build, FAISS (s) | saved index (MB) | worker: RSS / PSS / private (MB) "
          "| band index in memory per process (MB) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for count, keypoints in sizes:
        references = synthetic_references(count, rng, keypoints)
        real, hard = real_references(registered, count)
        started = time.perf_counter()
        index = ReferenceIndex.build(references + real)
        build_seconds = time.perf_counter() - started
        del references
        new_ms, new_cpu = median_ms(lambda: index.search(query)), cpu_ms(lambda: index.search(query))
        new_found, new_among = found(index.search, hard)
        with previous_settings(index):
            old_ms, old_cpu = median_ms(lambda: index.search(query)), cpu_ms(lambda: index.search(query))
            old_found, old_among = found(index.search, hard)
        band = BandSnapshot(index._current())
        band_ms = median_ms(lambda: band.search(query))
        band_found, band_among = found(band.search, hard)
        band_bytes = band.nbytes()
        del band
        with tempfile.TemporaryDirectory() as tmp:
            index.save(Path(tmp))
            saved_bytes = sum(f.stat().st_size for f in Path(tmp).iterdir())
            image = Path(tmp) / "query.png"
            photo.save(image)
            del index
            worker = json.loads(subprocess.run([sys.executable, "-c", _WORKER, tmp, str(image)], check=True,
                                               capture_output=True, text=True).stdout)
        private = worker["Private_Clean"] + worker["Private_Dirty"]
        row = {"references": count, "keypoints_per_reference": keypoints, "full_search_ms": new_ms,
               "previous_settings_full_search_ms": old_ms, "full_search_cpu_ms": new_cpu,
               "previous_settings_full_search_cpu_ms": old_cpu, "band_index_full_search_ms": band_ms,
               "hard_variant_queries": len(hard), "found": new_found, "previous_settings_found": old_found,
               "band_index_found": band_found, "search_among_hard_ms": new_among,
               "previous_settings_search_among_hard_ms": old_among, "band_index_search_among_hard_ms": band_among,
               "build_seconds": round(build_seconds, 1), "saved_index_bytes": saved_bytes,
               "worker_rss_bytes": worker["Rss"], "worker_pss_bytes": worker["Pss"], "worker_private_bytes": private,
               "band_index_bytes": band_bytes}
        results[f"{count}x{keypoints}"] = row
        mb = 2**20
        print(f"| {count:,} × {keypoints} | {new_ms} | {old_ms} | {band_ms} | {new_cpu} / {old_cpu} | {new_found} / {old_found} / {band_found} "
              f"of {len(hard)} | {new_among} / {old_among} / {band_among} | {row['build_seconds']} "
              f"| {saved_bytes / mb:.0f} | {worker['Rss'] / mb:.0f} / {worker['Pss'] / mb:.0f} / {private / mb:.0f} "
              f"| {band_bytes / mb:.0f} |", flush=True)
    save_results("image_registry_synthetic", results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--synthetic", default="", help="comma-separated reference counts, each optionally with "
                                                        "':keypoints' per reference (default 300): search at scale only")
    args = parser.parse_args()
    if args.synthetic:
        synthetic([(int(count), int(keypoints or FEATURES)) for count, _, keypoints in
                   (size.partition(":") for size in args.synthetic.split(","))])
        return
    with tempfile.TemporaryDirectory() as tmp:
        library = Path(tmp) / "library"
        library.mkdir()
        started = time.perf_counter()
        write_library(library, args.count)
        print(f"wrote {args.count:,} JPEGs in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        url = f"sqlite:///{Path(tmp) / 'registry.db'}"
        cli = argparse.ArgumentParser(prog="preflight")
        add_images_parser(cli.add_subparsers(dest="command", required=True))
        started = time.perf_counter()
        run_images(cli.parse_args(["images", "import", str(library), "--status", "restricted", "--source", "bench",
                                   "--jobs", str(args.jobs)]), url)
        import_seconds = time.perf_counter() - started
        store = Store(url)
        references = References(store)
        loaded = LoadedIndex(references)
        started = time.perf_counter()
        loaded.refresh(wait=True)
        cold = time.perf_counter() - started
        probe = fingerprint(Image.open(next(library.iterdir())).convert("RGB"))
        searches = []
        for _ in range(20):
            started = time.perf_counter()
            loaded.index.search(probe)
            searches.append(time.perf_counter() - started)
        extra = prepare_reference((library / "stock-000000.jpg").read_bytes() + b"\0",
                                  max_bytes=10 * 2**20, max_pixels=40_000_000)
        references.add(NewReference(label="one more", source="bench", status="restricted", sha256=extra.sha256,
                                    fingerprint=extra.fingerprint, thumbnail=extra.thumbnail, created_by="bench"))
        started = time.perf_counter()
        loaded.refresh(wait=True)
        in_force = time.perf_counter() - started
        stored = len(references.ids())
        store.dispose()
    searches.sort()
    results = {"references": stored, "jobs": args.jobs, "import_seconds": round(import_seconds, 2),
               "import_images_per_second": round(args.count / import_seconds, 1),
               "index_from_database_ms": round(cold * 1000, 1),
               "search_p50_ms": round(searches[len(searches) // 2] * 1000, 2),
               "in_force_after_one_change_ms": round(in_force * 1000, 1)}
    print(f"| step | {stored:,} references |\n|---|---|")
    print(f"| import ({args.jobs} processes) | {results['import_images_per_second']} images/s |")
    print(f"| index from the database, search structures built (start-up) | {results['index_from_database_ms']} ms |")
    print(f"| search, p50 of 20 | {results['search_p50_ms']} ms |")
    print(f"| one new reference: read and index rebuilt | {results['in_force_after_one_change_ms']} ms |")
    save_results("image_registry", results)


if __name__ == "__main__":
    main()
