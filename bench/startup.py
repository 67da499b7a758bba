"""Start-up benchmark: `preflight check` from a cold and a warm pack cache, and the server until it is ready.

Each figure is the median of a few runs, beside the same run's baselines: `python -c pass` and the floor of
any check (importing spaCy and building one blank pipeline). For the server: seconds until /readyz answers
200, then the first /v1/check of each language as soon as it does, and the memory of the master and of each
worker (resident and proportional: a page shared by n processes counts 1/n in each). Prints a table and
writes bench/results/startup.json. Not a test: nothing here asserts.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil
from results_file import save_results
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
POST = "Lovely walk in the park today, see you at the shop!"
# One post per language for the server's first checks: two sentences, so that languages are detected.
FIRST_POSTS = {
    "en": "Our cream cures back pain. Order today!",
    "nl": "Onze schoenen genezen rugpijn. Bestel vandaag!",
    "de": "Unsere Creme heilt Rückenschmerzen. Jetzt bestellen!",
    "da": "Vores creme kurerer rygsmerter. Bestil i dag!",
    "sv": "Vår kräm botar ryggvärk. Beställ i dag!",
}
TARGETS = {"check, warm cache": (1.0, 250)}
READY_TARGET_S = 3.0
READY_TIMEOUT_S = 120.0


def run_measured(argv: list[str], env: dict) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1, 2):
        raise SystemExit(f"{' '.join(argv)} exited with {proc.returncode}")
    return wall, usage.ru_maxrss / 1024  # Linux reports kilobytes


def median_of(runs: int, argv: list[str], env: dict, before=None) -> dict:
    walls, rss = [], []
    for _ in range(runs):
        if before:
            before()
        wall, peak = run_measured(argv, env)
        walls.append(wall)
        rss.append(peak)
    return {"wall_s": round(statistics.median(walls), 3), "rss_mb": round(statistics.median(rss), 1)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_ready(env: dict, key: str) -> dict:
    """Seconds from `preflight serve` to the first 200 from /readyz; then the first checks and the memory."""
    port = free_port()
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "preflight.cli", "serve", "--port", str(port), "--workers", "2"],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        while time.perf_counter() - started < READY_TIMEOUT_S:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as answer:
                    if answer.status == 200:
                        ready = time.perf_counter() - started
                        break
            except OSError:
                time.sleep(0.05)
        else:
            raise SystemExit(f"the server was not ready within {READY_TIMEOUT_S:.0f} s")
        first = [first_check(port, key, text) for text in FIRST_POSTS.values()]
        master = psutil.Process(proc.pid)
        memory = [process.memory_full_info() for process in [master, *master.children()]]
        return {"ready_s": ready, "first_check_ms": max(first), "master_rss_mb": memory[0].rss / 2**20,
                "worker_rss_mb": statistics.mean(m.rss for m in memory[1:]) / 2**20,
                "total_pss_mb": sum(m.pss for m in memory) / 2**20}
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)


def first_check(port: int, key: str, text: str) -> float:
    """Milliseconds of one /v1/check, language detected."""
    body = json.dumps({"text": text, "language": "auto"}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/v1/check", data=body, method="POST",
                                     headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as answer:
        answer.read()
    return (time.perf_counter() - started) * 1000


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="preflight-startup-"))
    cache = work / "cache"
    env = {**os.environ, "PREFLIGHT_CACHE_DIR": str(cache), "PREFLIGHT_DATABASE_URL": f"sqlite:///{work / 'db.sqlite'}",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "api"), os.environ.get("PYTHONPATH", "")])}
    env.pop("LANGUAGETOOL_URL", None)
    check = [sys.executable, "-m", "preflight.cli", "check", POST, "--lang", "en"]

    def empty_cache():
        for path in cache.glob("*"):
            path.unlink()

    rows = {
        "python -c pass": median_of(args.runs, [sys.executable, "-c", "pass"], env),
        "import spaCy + blank('en')": median_of(args.runs, [sys.executable, "-c", "import spacy; spacy.blank('en')"], env),
        "check, cold cache": median_of(max(1, args.runs // 2), check, env, before=empty_cache),
    }
    run_measured(check, env)  # fills the cache
    rows["check, warm cache"] = median_of(args.runs, check, env)
    rows["check, warm cache, --lang auto"] = median_of(args.runs, [*check[:-2], "--lang", "auto"], env)
    key = subprocess.run([sys.executable, "-m", "preflight.cli", "keys", "create", "--name", "bench", "--scope", "check"],
                         env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout.split()[-1]
    servers = [server_ready(env, key) for _ in range(max(1, args.runs // 2))]
    server = {name: round(statistics.median(s[name] for s in servers), 3) for name in servers[0]}
    table = Table(title="Start-up (median of runs; same machine, same run)")
    for column in ("what", "wall s", "peak RSS MB", "target"):
        table.add_column(column, justify="left" if column == "what" else "right")
    for name, row in rows.items():
        target = TARGETS.get(name)
        table.add_row(name, f"{row['wall_s']:.2f}", f"{row['rss_mb']:.0f}",
                      f"≤ {target[0]:.1f} s, ≤ {target[1]} MB" if target else "")
    table.add_row("server ready (/readyz 200)", f"{server['ready_s']:.2f}",
                  f"{server['master_rss_mb']:.0f} + 2 × {server['worker_rss_mb']:.0f}", f"≤ {READY_TARGET_S:.1f} s")
    table.add_row("  first /v1/check, slowest language", f"{server['first_check_ms'] / 1000:.2f}", "", "")
    table.add_row("  server, all processes (PSS)", "", f"{server['total_pss_mb']:.0f}", "")
    Console().print(table)
    result = {"runs": args.runs, "load_average": os.getloadavg(), **rows, "server": server}
    save_results("startup", result)
    return result


if __name__ == "__main__":
    main()
