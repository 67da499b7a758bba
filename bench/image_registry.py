"""Reference registry at scale: bulk import rate, and building a process's index from the stored fingerprints.

Generates N distinct JPEGs (crops of scikit-image's sample photos, shifted in colour), imports them with
`preflight images import`, then times a cold index build (what a worker does at start) and a refresh after
one more reference (what every worker does within a second of a change).
"""
from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from results_file import save_results  # noqa: E402

from preflight.image_registry import LoadedIndex, prepare_reference  # noqa: E402
from preflight.images.fingerprint import fingerprint  # noqa: E402
from preflight.images_cli import add_images_parser, run_images  # noqa: E402
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
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
