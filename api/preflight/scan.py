"""`preflight scan`: audit a back catalogue of posts (JSON Lines or CSV) in parallel."""
from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Iterator

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from preflight.errors import InputError
from preflight.pipeline import Submission, check_post

CHUNK = 256
OPTIONAL_FIELDS = ("language", "platform", "profile", "context")
_worker_checker = None  # set in each worker process; forked from the parent's loaded packs


def read_posts(path: Path) -> Iterator[dict]:
    """Posts from JSON Lines or from CSV with a `text` column (and optional `date`); bad lines become error items."""
    with path.open("r", encoding="utf-8-sig", newline="", errors="replace") as handle:
        first = handle.readline()
        handle.seek(0)
        if first.lstrip().startswith("{"):
            yield from _read_jsonl(handle)
        else:
            yield from _read_csv(handle, path)


def _read_jsonl(handle: io.TextIOBase) -> Iterator[dict]:
    for number, line in enumerate(handle, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield {"id": f"line {number}", "error": f"line {number}: not valid JSON ({exc.msg})"}
            continue
        except RecursionError:
            yield {"id": f"line {number}", "error": f"line {number}: JSON nested too deeply"}
            continue
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            yield {"id": f"line {number}", "error": f"line {number}: needs a \"text\" string"}
            continue
        odd = [name for name in OPTIONAL_FIELDS if item.get(name) is not None and not isinstance(item[name], str)]
        if odd:
            yield {"id": f"line {number}", "error": f"line {number}: \"{odd[0]}\" must be a string"}
            continue
        item.setdefault("id", f"line {number}")
        yield item


def _read_csv(handle: io.TextIOBase, path: Path) -> Iterator[dict]:
    reader = csv.DictReader(handle)
    try:
        columns = {name.lower().strip(): name for name in reader.fieldnames or []}
    except csv.Error as exc:
        raise InputError(f"{path}: the CSV header cannot be read: {exc}", field="file") from None
    if "text" not in columns:
        raise InputError(f"{path}: a CSV needs a 'text' column (found: {', '.join(reader.fieldnames or []) or 'none'})", field="file")
    number = 1
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # e.g. a field over the csv module's limit; the reader goes on with the next row
            yield {"id": f"row {number}", "error": f"row {number}: {exc}"}
            continue
        item = {key: row.get(name) for key, name in columns.items() if row.get(name) not in (None, "")}
        item.setdefault("text", "")
        item.setdefault("id", f"row {number}")
        yield item


def check_item(item: dict, defaults: dict) -> dict:
    """One output line: the report, or the error that stopped this post alone."""
    if "error" in item:
        return {"id": item["id"], "error": item["error"]}
    try:
        # A back catalogue is audited against the packs: crisis mode and live events are about publishing now.
        # A post with a `date` (or `scheduled_for`) is checked as of that date: the calendar rules and listed events.
        report = check_post(Submission.from_item(item, defaults), _worker_checker)
    except InputError as exc:
        return {"id": item.get("id"), "error": str(exc)}
    return {"id": item.get("id"), "report": report.to_dict()}


def _check_chunk(args: tuple[list[dict], dict]) -> list[dict]:
    items, defaults = args
    return [check_item(item, defaults) for item in items]


def _chunks(items: Iterator[dict], defaults: dict) -> Iterator[tuple[list[dict], dict]]:
    batch: list[dict] = []
    for item in items:
        batch.append(item)
        if len(batch) == CHUNK:
            yield batch, defaults
            batch = []
    if batch:
        yield batch, defaults


def run_scan(checker, directory, args, err: Console) -> int:
    global _worker_checker
    _worker_checker = checker
    defaults = {"language": args.lang, "platform": args.platform, "profile": args.profile, "context": args.context}
    checker.validate(Submission("", **defaults))  # a bad option fails once, before any post is read
    if not args.file.is_file():
        raise InputError(f"{args.file}: no such file", field="file")
    out = args.out.open("w", encoding="utf-8") if args.out else sys.stdout
    jobs = args.jobs or os.cpu_count() or 1
    if jobs > 1:
        checker.unpack()  # before the workers fork, so that they share what each would otherwise unpack for itself
    verdicts: Counter = Counter()
    packs: Counter = Counter()
    rules: Counter = Counter()
    errors = 0
    try:
        results = _results(read_posts(args.file), defaults, jobs)
        with Progress(console=err, transient=True, disable=not err.is_terminal) as progress:
            task = progress.add_task("checking", total=None)
            for batch in results:
                for line in batch:
                    out.write(json.dumps(line, ensure_ascii=False) + "\n")
                    report = line.get("report")
                    if report is None:
                        errors += 1
                        continue
                    verdicts[report["verdict"]] += 1
                    for finding in report["findings"]:
                        packs[finding["pack"]] += 1
                        rules[finding["rule"]] += 1
                progress.advance(task, len(batch))
    finally:
        if args.out:
            out.close()
    err.print(summary_table(verdicts, packs, rules, errors))
    return 0


def _results(items: Iterator[dict], defaults: dict, jobs: int) -> Iterator[list[dict]]:
    if jobs <= 1:
        return map(_check_chunk, _chunks(items, defaults))
    # fork: the workers inherit the compiled packs instead of loading them again
    pool = multiprocessing.get_context("fork").Pool(jobs)
    return _pooled(pool, _chunks(items, defaults))


def _pooled(pool, chunks) -> Iterator[list[dict]]:
    with pool:
        yield from pool.imap(_check_chunk, chunks)


def summary_table(verdicts: Counter, packs: Counter, rules: Counter, errors: int) -> Table:
    table = Table(title="Scan summary", show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    for verdict in ("pass", "warn", "block"):
        table.add_row(f"posts: {verdict}", str(verdicts[verdict]))
    table.add_row("posts with errors", str(errors))
    for pack, count in packs.most_common():
        table.add_row(f"pack {pack}", str(count))
    for rule, count in rules.most_common(15):
        table.add_row(f"  {rule}", str(count))
    return table
