"""What crisis mode and live events add to a check, measured on the engine side.

Prints a table and writes bench/results/governance.json. Not a test: nothing here asserts.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from engine import POSTS, percentile, time_calls
from results_file import save_results
from rich.console import Console
from rich.table import Table

from preflight import Checker
from preflight.governance.crisis import MAX_STATEMENTS, Crisis
from preflight.governance.events import Event, EventMatcher

ROOT = Path(__file__).resolve().parents[1]
CALLS = 2_000
ROUNDS = 3


def main() -> dict:
    checker = Checker.from_directory(ROOT / "rules")
    now = datetime.now(timezone.utc)
    events = [Event(i, name, terms, now - timedelta(days=1), now + timedelta(days=1)) for i, (name, terms) in enumerate([
        ("Hurricane Sandy", ("sandy", "#sandy", "hurricane sandy")),
        ("Storm Ciarán", ("ciarán", "#stormciaran", "storm ciarán")),
        ("Election day", ("election", "#election2026", "polling station")),
    ])]
    matcher = EventMatcher(events, checker.ruleset, checker.analyzer)
    crisis = Crisis(True, "product recall", tuple(f"Approved statement number {i}." for i in range(MAX_STATEMENTS)), now, "owner")
    text = POSTS["en"]
    cases = {
        "check() alone": lambda: checker.check(text, language="auto"),
        f"crisis finding ({MAX_STATEMENTS} approved statements)": lambda: crisis.finding(text, "en"),
        "live events (3 events, post analysed again)": lambda: matcher.findings(text, "auto", "en", None, "post", now),
    }
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(ROUNDS):  # interleaved, so a busy moment of the machine hits every case alike
        for name, fn in cases.items():
            samples[name] += time_calls(fn, CALLS // ROUNDS)
    return {"calls": CALLS, "post_chars": len(text),
            "cases": {name: {"p50_ms": round(percentile(v, 0.5), 4), "p99_ms": round(percentile(v, 0.99), 4)}
                      for name, v in samples.items()}}


def show(result: dict) -> None:
    table = Table(title=f"Governance on a {result['post_chars']}-character post, {result['calls']} calls each")
    for column in ("case", "p50 ms", "p99 ms"):
        table.add_column(column, justify="left" if column == "case" else "right")
    for name, figures in result["cases"].items():
        table.add_row(name, f"{figures['p50_ms']:.3f}", f"{figures['p99_ms']:.3f}")
    Console().print(table)


if __name__ == "__main__":
    result = main()
    show(result)
    save_results("governance", result)
