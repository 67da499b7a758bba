"""Back-catalogue benchmark: `preflight scan` over 100,000 posts, one process and all cores.

Prints a table and writes bench/results/scan.json. Not a test: nothing here asserts.
"""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from results_file import save_results
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
PREFLIGHT = [sys.executable, "-m", "preflight.cli"]
TEMPLATES = [
    ("en", "New colours just landed in store {n}. Come and have a look this weekend! #newin"),
    ("en", "Guaranteed results in {n} days or your money back!!! Shop now"),
    ("nl", "Onze schoenen genezen gegarandeerd rugpijn! Nu {n}% korting #gezondheid"),
    ("nl", "Bedankt voor je bericht! We kijken er direct naar, stuur je ons een DM met ordernummer {n}?"),
    ("da", "Vi glæder os til at se dig i butikken på lørdag. Op til {n}% rabat på alle jakker!"),
    ("sv", "Tack för att du hörde av dig! Ring oss på 070-123 45 67 om ordern {n}."),
    ("de", "Unsere neue Kollektion ist da. Bis zu {n}% Rabatt, nur heute! #werbung"),
    ("en", "Stuck inside during the hurricane? Use code STORM{n} for free shipping"),
]


def write_posts(path: Path, count: int) -> None:
    rng = random.Random(count)
    with path.open("w", encoding="utf-8") as handle:
        for index in range(count):
            language, template = rng.choice(TEMPLATES)
            post = {"id": str(index), "text": template.format(n=rng.randint(2, 90)), "language": rng.choice([language, "auto"])}
            handle.write(json.dumps(post, ensure_ascii=False) + "\n")


def timed_scan(source: Path, jobs: int) -> float:
    started = time.perf_counter()
    subprocess.run([*PREFLIGHT, "scan", str(source), "--out", os.devnull, "--jobs", str(jobs)],
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> dict:
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for count, jobs in ((10_000, 1), (100_000, 1), (100_000, os.cpu_count() or 1)):
            source = Path(tmp) / f"posts-{count}.jsonl"
            if not source.exists():
                write_posts(source, count)
            seconds = timed_scan(source, jobs)
            rows[f"{count} posts, {jobs} process(es)"] = {"posts": count, "jobs": jobs, "seconds": round(seconds, 2),
                                                          "posts_per_s": round(count / seconds)}
    table = Table(title="preflight scan (JSON Lines in, JSON Lines out, start-up included)")
    for column in ("run", "seconds", "posts/s"):
        table.add_column(column, justify="left" if column == "run" else "right")
    for label, row in rows.items():
        table.add_row(label, f"{row['seconds']:.1f}", f"{row['posts_per_s']:,}")
    Console().print(table)
    return rows


if __name__ == "__main__":
    save_results("scan", main())
