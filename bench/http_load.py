"""HTTP benchmark: /v1/check under gunicorn against a bare Flask endpoint, side by side.

Both run with the same gunicorn settings (2 workers, gthread) on loopback and are
loaded with wrk (keep-alive). With --soak SECONDS, the API is then held at 80 % of
its own measured rate for that long, bounded in time and count, and per-worker
memory growth and lost audit records are reported. Prints a table, writes
bench/results/http.json. Not a test: nothing here asserts.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
from rich.console import Console
from results_file import save_results
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
POST = ("Big news for runners! Our new trail shoe is here, with a grippier sole and recycled mesh upper. "
        "We tested it on muddy hills all autumn and loved it. Pick your colour at the link in bio and "
        "tell us where you will take it first, we read every reply. #trailrunning #newin")[:280]
LUA = """
wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {key}"
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int, path: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server on {port} did not start")


def start(cmd: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def wrk(port: int, script: Path, seconds: int, connections: int) -> dict:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script),
                          f"http://127.0.0.1:{port}/v1/check"], capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {q: _ms(re.search(rf"^\s+{q}%\s+([\d.]+\w+)", out, re.M).group(1)) for q in ("50", "99")}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": round(rps), "p50_ms": lat["50"], "p99_ms": lat["99"], "requests": total,
            "non_2xx": int(errors.group(1)) if errors else 0}


def _ms(value: str) -> float:
    number, unit = float(re.match(r"[\d.]+", value).group()), re.search(r"[a-z]+", value).group()
    return round(number * {"us": 0.001, "ms": 1, "s": 1000}[unit], 3)


def soak(port: int, key: str, rate: float, seconds: int, workers: list[psutil.Process]) -> dict:
    """Paced load from threads on loopback; stops by itself after `seconds`."""
    body = json.dumps({"text": POST, "language": "auto", "platform": "x"})
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}
    threads = 8
    interval = threads / rate
    stop_at = time.monotonic() + seconds
    counts = {"ok": 0, "error": 0}
    lock = threading.Lock()
    rss_start = {p.pid: p.memory_info().rss for p in workers}

    def loop(offset: float) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        next_at = time.monotonic() + offset
        while next_at < stop_at:
            time.sleep(max(0.0, next_at - time.monotonic()))
            try:
                conn.request("POST", "/v1/check", body, headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                ok = False
            with lock:
                counts["ok" if ok else "error"] += 1
            next_at += interval

    pool = [threading.Thread(target=loop, args=(i * interval / threads,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    growth = {p.pid: round(100 * (p.memory_info().rss - rss_start[p.pid]) / rss_start[p.pid], 1) for p in workers}
    return {"seconds": seconds, "target_rps": round(rate), "achieved_rps": round((counts["ok"] + counts["error"]) / seconds),
            "ok": counts["ok"], "errors": counts["error"], "worker_rss_growth_pct": growth}


def main() -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--soak", type=int, default=0, help="soak duration in seconds (0: none)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="preflight-bench-"))
    db = tmp / "bench.db"
    env = {**os.environ, "PREFLIGHT_DATABASE_URL": f"sqlite:///{db}", "PREFLIGHT_RATE_LIMIT": "1000000 per second",
           "PROMETHEUS_MULTIPROC_DIR": str(tmp)}
    key = subprocess.run([str(VENV_BIN / "preflight"), "keys", "create", "--name", "bench", "--scope", "check"],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout.strip()
    script = tmp / "post.lua"
    script.write_text(LUA.format(body=json.dumps(json.dumps({"text": POST, "language": "auto", "platform": "x"})), key=key))
    results: dict = {"post_chars": len(POST), "wrk": {"threads": 2, "connections": args.connections, "seconds": args.seconds}}

    bare_port = free_port()
    bare = start([str(VENV_BIN / "gunicorn"), "-w", "2", "-k", "gthread", "--threads", "4", "--keep-alive", "5",
                  "-b", f"127.0.0.1:{bare_port}", "--chdir", str(ROOT / "bench"), "bare_app:app"], env)
    try:
        wait_ready(bare_port, "/")
        results["bare"] = wrk(bare_port, script, args.seconds, args.connections)
    finally:
        stop(bare)

    port = free_port()
    api = start([str(VENV_BIN / "preflight"), "serve", "--port", str(port), "--workers", "2", "--threads", "4"], env)
    try:
        wait_ready(port, "/healthz")
        results["api"] = wrk(port, script, args.seconds, args.connections)
        if args.soak:
            workers = psutil.Process(api.pid).children(recursive=True)
            results["soak"] = soak(port, key, 0.8 * results["api"]["rps"], args.soak, workers)
    finally:
        stop(api)
    results["ratio"] = round(results["api"]["rps"] / results["bare"]["rps"], 3)
    # Every answered check must have its audit record once the server has stopped
    # (wrk may leave a few requests in flight that the server answered but wrk did not count).
    answered = results["api"]["requests"] - results["api"]["non_2xx"] + results.get("soak", {}).get("ok", 0)
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT COUNT(*) FROM checks").fetchone()[0]
    results["audit"] = {"answered": answered, "records": stored, "missing": max(0, answered - stored)}
    show(results)
    return results


def show(results: dict) -> None:
    table = Table(title=f"POST /v1/check, {results['post_chars']}-char post, gunicorn 2 workers × 4 threads, wrk {results['wrk']['connections']} connections")
    for column in ("server", "req/s", "p50 ms", "p99 ms", "non-2xx"):
        table.add_column(column, justify="left" if column == "server" else "right")
    for name in ("bare", "api"):
        row = results[name]
        table.add_row("bare Flask, constant JSON" if name == "bare" else "preflight /v1/check",
                      f"{row['rps']:,}", f"{row['p50_ms']:.2f}", f"{row['p99_ms']:.2f}", str(row["non_2xx"]))
    console = Console()
    console.print(table)
    console.print(f"ratio preflight / bare: {results['ratio']:.1%}")
    if "soak" in results:
        console.print(f"soak: {results['soak']}")
    console.print(f"audit records: {results['audit']}")


if __name__ == "__main__":
    result = main()
    save_results("http-soak" if result.get("soak") else "http", result)
