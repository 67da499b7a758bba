"""`preflight images`: bulk-import reference images, list them, remove them."""
from __future__ import annotations

import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from preflight.images.errors import ImageError
from preflight.images.registration import DEFAULT_STATUS, UNSPECIFIED_SOURCE, registration_defaults
from preflight.storage import StorageError
from preflight.cli.keys import EXIT_ERROR, with_store
from preflight.storage.images import NewReference, References
from preflight.storage.models import REFERENCE_STATUSES

SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".heic", ".heif", ".avif"}
# Rows per transaction: the other processes pick up each batch within a second of its commit.
BATCH = 200


def add_images_parser(subparsers) -> None:
    """Add `images import|list|remove` to an argparse subparsers object."""
    images = subparsers.add_parser("images", help="import, list or remove reference images")
    actions = images.add_subparsers(dest="images_command", required=True)
    load = actions.add_parser("import", help="register image files (directories are searched recursively)")
    load.add_argument("paths", nargs="+", type=Path, metavar="DIR|FILE")
    load.add_argument("--status", choices=REFERENCE_STATUSES, default=None,
                      help=f"default: {DEFAULT_STATUS}")
    load.add_argument("--source", default=None,
                      help=f"where they come from, e.g. 'Getty Images' (default: '{UNSPECIFIED_SOURCE}')")
    load.add_argument("--expires", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                      help="last day of the licence")
    load.add_argument("--notes", default=None)
    load.add_argument("--jobs", type=int, default=0, help="hashing processes (default: one per core)")
    listing = actions.add_parser("list", help="list reference images, newest first")
    listing.add_argument("--status", choices=REFERENCE_STATUSES, default=None)
    listing.add_argument("--label", default=None, help="part of the label")
    listing.add_argument("--limit", type=int, default=50)
    remove = actions.add_parser("remove", help="remove reference images by id")
    remove.add_argument("ids", nargs="+", type=int, metavar="ID")


def run_images(args, database_url: str) -> int:
    return with_store(database_url, lambda store: images_command(args, References(store)))


def images_command(args, references: References) -> int:
    if args.images_command == "import":
        return run_import(references, args)
    if args.images_command == "list":
        print_references(*references.list(status=args.status, label=args.label, limit=max(1, args.limit)))
        return 0
    missing = [ref_id for ref_id in args.ids if not references.delete(ref_id)]
    for ref_id in set(args.ids) - set(missing):
        print(f"removed reference {ref_id}")
    if missing:
        raise StorageError(f"no reference {', '.join(map(str, missing))}")
    return 0


def image_files(paths: list[Path]) -> list[Path]:
    """Named files as they are; directories searched for image files, in a stable order."""
    found = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def limits() -> dict:
    from preflight.config import setting

    return {"max_bytes": int(setting("MAX_IMAGE_BYTES")), "max_pixels": int(setting("MAX_IMAGE_PIXELS"))}


# Started afresh rather than forked: a fork copies whatever locks the caller's other threads hold
# (the import lock, OpenCV's pool), and a worker that inherits a held one waits forever.
SPAWN = multiprocessing.get_context("spawn")


def one_thread() -> None:
    # One process per core already: OpenCV's own threads would only fight over the same cores.
    import cv2

    cv2.setNumThreads(1)


def prepare_file(job: tuple[Path, dict]):
    """(path, Prepared) or (path, reason it was skipped); runs in a worker process."""
    from preflight.images.registry import prepare_reference

    path, limit = job
    try:
        return path, prepare_reference(path.read_bytes(), **limit)
    except OSError as exc:
        return path, f"cannot read it: {exc.strerror or exc}"
    except ImageError as exc:
        return path, str(exc)


def run_import(references: References, args) -> int:
    err = Console(stderr=True, highlight=False, width=None if sys.stderr.isatty() else 1000)  # one line per file in logs
    files = image_files(args.paths)
    if not files:
        raise StorageError("no image files there (looked for " + ", ".join(sorted(SUFFIXES)) + ")")
    status, source, assumed = registration_defaults(args.status, args.source)
    if assumed:
        err.print("assumed " + " and ".join(f"--{key} {escape(repr(value))}" for key, value in assumed.items())
                  + " (not given)")
    started = time.perf_counter()
    counts = {"imported": 0, "known": 0, "skipped": 0}
    pending: list[NewReference] = []

    def flush() -> None:
        for _, _, created in references.add_many(pending):
            counts["imported" if created else "known"] += 1
        pending.clear()

    jobs = args.jobs or os.cpu_count() or 1
    limit = limits()
    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress, \
            ProcessPoolExecutor(max_workers=jobs, initializer=one_thread, mp_context=SPAWN) as pool:
        task = progress.add_task("importing", total=len(files))
        for path, prepared in pool.map(prepare_file, [(f, limit) for f in files], chunksize=8):
            progress.advance(task)
            if isinstance(prepared, str):
                counts["skipped"] += 1
                progress.console.print(f"skipped {escape(str(path))}: {escape(prepared)}")
                continue
            pending.append(NewReference(label=path.stem[:200] or path.name, source=source, status=status,
                                        license_expires=args.expires, notes=args.notes, created_by="cli",
                                        sha256=prepared.sha256, fingerprint=prepared.fingerprint,
                                        thumbnail=prepared.thumbnail))
            if len(pending) >= BATCH:
                flush()
        flush()
    seconds = time.perf_counter() - started
    err.print(f"{counts['imported']:,} imported, {counts['known']:,} already registered, {counts['skipped']:,} skipped "
              f"of {len(files):,} files in {seconds:.1f} s ({len(files) / seconds:.1f} images/s)")
    return EXIT_ERROR if counts["skipped"] and not (counts["imported"] or counts["known"]) else 0


def print_references(references, total: int) -> None:
    out = Console(highlight=False, width=None if sys.stdout.isatty() else 1000)
    if not references:
        out.print("No reference images: add some with `preflight images import DIR --source ...`.")
        return
    table = Table(box=box.SIMPLE_HEAD, caption=f"{len(references):,} of {total:,}")
    for heading in ("id", "status", "licence until", "label", "source", "added"):
        table.add_column(heading, overflow="fold")
    for ref in references:
        table.add_row(str(ref.id), ref.status, ref.license_expires.isoformat() if ref.license_expires else "-",
                      escape(ref.label), escape(ref.source), f"{ref.created_at:%Y-%m-%d %H:%M} {escape(ref.created_by)}")
    out.print(table)

