"""Start-up benchmark: `preflight check` from a cold and a warm pack cache, and the server until it is ready.

Each figure is the median of a few runs, beside the same run's baselines: `python -c pass` and the floor of
any check (importing spaCy and building one blank pipeline). For the server: seconds until /readyz answers
200, then the first /v1/check of each language as soon as it does, and the memory of the master and of each
worker (resident and proportional: a page shared by n processes counts 1/n in each). With --baseline, another
checkout (the previous commit, say) is measured too, in turn with this one, each figure also as a multiple of
the floor: on a busy machine only those ratios compare across runs. Prints a table and writes
bench/results/startup.json. Not a test: nothing here asserts.
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


FLOOR = [sys.executable, "-c", "import spacy; spacy.blank('en')"]


def run_measured(argv: list[str], env: dict) -> dict:
    """Wall seconds, CPU seconds (user and system) and peak RSS in MB of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1, 2):
        raise SystemExit(f"{' '.join(argv)} exited with {proc.returncode}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024}  # Linux: KB


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


class Tree:
    """One checkout measured: its source, its own cache directory and database."""

    def __init__(self, name: str, root: Path, work: Path) -> None:
        self.name, self.root = name, root
        self.cache = work / name / "cache"
        self.env = {**os.environ, "PREFLIGHT_CACHE_DIR": str(self.cache),
                    "PREFLIGHT_DATABASE_URL": f"sqlite:///{work / name / 'db.sqlite'}",
                    "PYTHONPATH": os.pathsep.join([str(root / "api"), os.environ.get("PYTHONPATH", "")])}
        self.env.pop("LANGUAGETOOL_URL", None)
        (work / name).mkdir(parents=True)

    def check(self, language: str = "en") -> list[str]:
        return [sys.executable, "-m", "preflight.cli", "check", POST, "--lang", language]

    def empty_cache(self) -> None:
        for path in self.cache.glob("*"):
            path.unlink()


def alternating(runs: int, trees: list[Tree], measure) -> dict[str, dict]:
    """The medians of `runs` measurements of the floor and of each tree, taken in turn (floor A B floor A B ...),
    so that a change of load on the machine weighs on all of them alike: each row has its own floor."""
    samples: dict[str, list[dict]] = {"floor": [], **{tree.name: [] for tree in trees}}
    for _ in range(runs):
        samples["floor"].append(run_measured(FLOOR, trees[0].env))
        for tree in trees:
            samples[tree.name].append(measure(tree))
    return {name: medians(taken) for name, taken in samples.items()}


def medians(samples: list[dict]) -> dict:
    return {key: round(statistics.median(sample[key] for sample in samples), 3) for key in samples[0]}


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", type=Path, default=None,
                        help="another checkout (e.g. `git worktree add` of the previous commit), measured in turn with this one")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="preflight-startup-"))
    trees = [Tree("now", ROOT, work)]
    if args.baseline:
        trees.append(Tree("baseline", args.baseline.resolve(), work))
    few = max(1, args.runs // 2)

    def cold(tree: Tree) -> dict:
        tree.empty_cache()
        return run_measured(tree.check(), tree.env)

    started_load = os.getloadavg()
    python = {"python -c pass": medians([run_measured([sys.executable, "-c", "pass"], trees[0].env) for _ in range(args.runs)]),
              "floor": medians([run_measured(FLOOR, trees[0].env) for _ in range(args.runs)])}
    rows = {
        "check, cold cache": alternating(few, trees, cold),
        "check, warm cache": alternating(args.runs, trees, lambda tree: run_measured(tree.check(), tree.env)),
        "check, warm cache, --lang auto": alternating(args.runs, trees, lambda tree: run_measured(tree.check("auto"), tree.env)),
    }
    keys = {tree.name: subprocess.run(
        [sys.executable, "-m", "preflight.cli", "keys", "create", "--name", "bench", "--scope", "check"],
        env=tree.env, cwd=tree.root, check=True, capture_output=True, text=True).stdout.split()[-1] for tree in trees}
    server = alternating(few, trees, lambda tree: server_ready(tree.env, keys[tree.name]))
    load = os.getloadavg()
    table = Table(title=f"Start-up (medians; each row beside its own floor, measured in turn; load average "
                        f"{started_load[0]:.1f} at the start, {load[0]:.1f} at the end)")
    table.add_column("what")
    table.add_column("floor: wall s, CPU s", justify="right")
    for tree in trees:
        table.add_column(f"{tree.name}: wall s (× floor)", justify="right")
        table.add_column(f"{tree.name}: CPU s (× floor)", justify="right")
        table.add_column(f"{tree.name}: peak RSS MB", justify="right")
    table.add_column("target", justify="right")
    empty = [""] * (3 * len(trees))
    pass_ = python["python -c pass"]
    table.add_row("python -c pass", f"{pass_['wall_s']:.2f}, {pass_['cpu_s']:.2f}", *empty, "")
    floor = python["floor"]
    table.add_row("import spaCy + blank('en') (the floor)", f"{floor['wall_s']:.2f}, {floor['cpu_s']:.2f}", *empty, "")
    for name, row in rows.items():
        target = TARGETS.get(name)
        cells = []
        for tree in trees:
            mine = row[tree.name]
            cells += [f"{mine['wall_s']:.2f} ({mine['wall_s'] / row['floor']['wall_s']:.2f})",
                      f"{mine['cpu_s']:.2f} ({mine['cpu_s'] / row['floor']['cpu_s']:.2f})", f"{mine['rss_mb']:.0f}"]
        table.add_row(name, f"{row['floor']['wall_s']:.2f}, {row['floor']['cpu_s']:.2f}", *cells,
                      f"≤ {target[0]:.1f} s, ≤ {target[1]} MB" if target else "")
    cells = []
    for tree in trees:
        mine = server[tree.name]
        cells += [f"{mine['ready_s']:.2f} ({mine['ready_s'] / server['floor']['wall_s']:.2f})", "",
                  f"{mine['master_rss_mb']:.0f} + 2 × {mine['worker_rss_mb']:.0f}"]
    table.add_row("server ready (/readyz 200)", f"{server['floor']['wall_s']:.2f}, {server['floor']['cpu_s']:.2f}",
                  *cells, f"≤ {READY_TARGET_S:.1f} s")
    table.add_row("  first /v1/check, slowest language", "",
                  *[cell for tree in trees for cell in (f"{server[tree.name]['first_check_ms'] / 1000:.2f}", "", "")], "")
    table.add_row("  server, all processes (PSS)", "",
                  *[cell for tree in trees for cell in ("", "", f"{server[tree.name]['total_pss_mb']:.0f}")], "")
    Console(width=200).print(table)
    result = {"runs": args.runs, "load_average": {"start": started_load, "end": load},
              "trees": [tree.name for tree in trees], **python, **rows, "server": server}
    save_results("startup", result)
    return result


if __name__ == "__main__":
    main()
