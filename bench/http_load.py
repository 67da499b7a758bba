"""HTTP benchmark: /v1/check under gunicorn against a bare Flask endpoint, side by side.

Both run with the same gunicorn settings (2 workers, gthread) on loopback and are
loaded with wrk (keep-alive). The API is loaded twice: with one draft sent again and
again (the extension re-checking an unchanged draft: answered from the worker's report
cache) and with a new draft in every request (every one checked). Then it is paced at
half its own measured rate of new drafts, and the latency percentiles at that load are
reported. With --soak SECONDS, the API is then held at 80 % of that rate for that long,
bounded in time and count, and per-worker memory growth and lost audit records are
reported. Prints a table, writes bench/results/http.json. Not a test: nothing here asserts.
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
# Every request another draft: wrk's threads number theirs apart.
LUA_DISTINCT = LUA + """
local threads = 0
function setup(thread) thread:set("tid", threads); threads = threads + 1 end
function init(args) n = 0 end
function request() n = n + 1; return wrk.format(nil, nil, nil, string.format({template}, tid, n)) end
"""
PACED_SECONDS = 10


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


def server_cpu_s(server: subprocess.Popen) -> float:
    """CPU seconds used so far by a server: its master and every worker."""
    master = psutil.Process(server.pid)
    return sum(sum(p.cpu_times()[:2]) for p in (master, *master.children(recursive=True)))


def wrk(port: int, script: Path, seconds: int, connections: int, server: subprocess.Popen) -> dict:
    cpu_before = server_cpu_s(server)
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script),
                          f"http://127.0.0.1:{port}/v1/check"], capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {q: _ms(re.search(rf"^\s+{q}%\s+([\d.]+\w+)", out, re.M).group(1)) for q in ("50", "99")}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    total = int(re.search(r"(\d+) requests in", out).group(1))
    # The server's CPU time per answered request: unlike req/s, it hardly moves when other jobs load the machine.
    cpu_ms = 1000 * (server_cpu_s(server) - cpu_before) / max(1, total)
    return {"rps": round(rps), "p50_ms": lat["50"], "p99_ms": lat["99"], "requests": total,
            "non_2xx": int(errors.group(1)) if errors else 0, "server_cpu_ms": round(cpu_ms, 3)}


def _ms(value: str) -> float:
    number, unit = float(re.match(r"[\d.]+", value).group()), re.search(r"[a-z]+", value).group()
    return round(number * {"us": 0.001, "ms": 1, "s": 1000}[unit], 3)


def body_of(text: str) -> str:
    return json.dumps({"text": text, "language": "auto", "platform": "x"})


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3) if ordered else 0.0


def soak(port: int, key: str, rate: float, seconds: int, workers: list[psutil.Process]) -> dict:
    """Paced load of new drafts from threads on loopback; stops by itself after `seconds`."""
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}
    threads = 8
    interval = threads / rate
    stop_at = time.monotonic() + seconds
    counts = {"ok": 0, "error": 0}
    latencies: list[float] = []
    lock = threading.Lock()
    rss_start = {p.pid: p.memory_info().rss for p in workers}

    def loop(offset: float) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        next_at = time.monotonic() + offset
        sent = 0
        while next_at < stop_at:
            time.sleep(max(0.0, next_at - time.monotonic()))
            sent += 1
            started = time.perf_counter()
            try:
                conn.request("POST", "/v1/check", body_of(f"{POST} (p{offset:.6f}-{sent})"), headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                ok = False
            with lock:
                counts["ok" if ok else "error"] += 1
                latencies.append((time.perf_counter() - started) * 1000)
            next_at += interval

    pool = [threading.Thread(target=loop, args=(i * interval / threads,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    growth = {p.pid: round(100 * (p.memory_info().rss - rss_start[p.pid]) / rss_start[p.pid], 1) for p in workers}
    return {"seconds": seconds, "target_rps": round(rate), "achieved_rps": round((counts["ok"] + counts["error"]) / seconds),
            "ok": counts["ok"], "errors": counts["error"], "p50_ms": percentile(latencies, 0.5),
            "p99_ms": percentile(latencies, 0.99), "worker_rss_growth_pct": growth}


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
    script.write_text(LUA.format(body=json.dumps(body_of(POST)), key=key))
    distinct = tmp / "drafts.lua"
    distinct.write_text(LUA_DISTINCT.format(body=json.dumps(body_of(POST)), key=key,
                                            template=json.dumps(body_of(POST + " (d%d-%d)"))))
    results: dict = {"post_chars": len(POST), "wrk": {"threads": 2, "connections": args.connections, "seconds": args.seconds}}

    bare_port = free_port()
    bare = start([str(VENV_BIN / "gunicorn"), "-w", "2", "-k", "gthread", "--threads", "4", "--keep-alive", "5",
                  "-b", f"127.0.0.1:{bare_port}", "--chdir", str(ROOT / "bench"), "bare_app:app"], env)
    try:
        wait_ready(bare_port, "/")
        results["bare"] = wrk(bare_port, script, args.seconds, args.connections, bare)
    finally:
        stop(bare)

    port = free_port()
    api = start([str(VENV_BIN / "preflight"), "serve", "--port", str(port), "--workers", "2", "--threads", "4"], env)
    try:
        wait_ready(port, "/healthz")
        results["api"] = wrk(port, script, args.seconds, args.connections, api)
        results["api_distinct"] = wrk(port, distinct, args.seconds, args.connections, api)
        workers = psutil.Process(api.pid).children(recursive=True)
        results["paced"] = soak(port, key, 0.5 * results["api_distinct"]["rps"], PACED_SECONDS, workers)
        if args.soak:
            results["soak"] = soak(port, key, 0.8 * results["api_distinct"]["rps"], args.soak, workers)
    finally:
        stop(api)
    results["ratio"] = round(results["api"]["rps"] / results["bare"]["rps"], 3)
    results["ratio_distinct"] = round(results["api_distinct"]["rps"] / results["bare"]["rps"], 3)
    # The same ratios from the server's CPU time per request: what the API would reach on a machine of its own.
    results["cpu_ratio"] = round(results["bare"]["server_cpu_ms"] / results["api"]["server_cpu_ms"], 3)
    results["cpu_ratio_distinct"] = round(results["bare"]["server_cpu_ms"] / results["api_distinct"]["server_cpu_ms"], 3)
    results["load_average"] = os.getloadavg()
    # Every answered check must have its audit record once the server has stopped
    # (wrk may leave a few requests in flight that the server answered but wrk did not count).
    answered = sum(results[run]["requests"] - results[run]["non_2xx"] for run in ("api", "api_distinct")) + sum(
        results.get(run, {}).get("ok", 0) for run in ("paced", "soak"))
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT COUNT(*) FROM checks").fetchone()[0]
    results["audit"] = {"answered": answered, "records": stored, "missing": max(0, answered - stored)}
    show(results)
    return results


def show(results: dict) -> None:
    table = Table(title=f"POST /v1/check, {results['post_chars']}-char post, gunicorn 2 workers × 4 threads, wrk {results['wrk']['connections']} connections")
    for column in ("server", "req/s", "p50 ms", "p99 ms", "non-2xx", "server CPU ms/req"):
        table.add_column(column, justify="left" if column == "server" else "right")
    names = {"bare": "bare Flask, constant JSON", "api": "preflight /v1/check, one draft again (report cache)",
             "api_distinct": "preflight /v1/check, a new draft each time"}
    for name, label in names.items():
        row = results[name]
        table.add_row(label, f"{row['rps']:,}", f"{row['p50_ms']:.2f}", f"{row['p99_ms']:.2f}", str(row["non_2xx"]),
                      f"{row['server_cpu_ms']:.2f}")
    paced = results["paced"]
    table.add_row(f"new drafts paced at {paced['target_rps']:,} req/s (half the maximum)", f"{paced['achieved_rps']:,}",
                  f"{paced['p50_ms']:.2f}", f"{paced['p99_ms']:.2f}", str(paced["errors"]), "")
    console = Console()
    console.print(table)
    console.print(f"ratio preflight / bare: {results['ratio_distinct']:.1%} with new drafts (target ≥ 40 %), "
                  f"{results['ratio']:.1%} with one draft again; p99 at half load {paced['p99_ms']:.1f} ms (target ≤ 25 ms); "
                  f"load average {results['load_average'][0]:.1f} (other jobs on the machine: compare within the run)")
    console.print(f"by server CPU per request: {results['cpu_ratio_distinct']:.1%} of the bare endpoint with new drafts, "
                  f"{results['cpu_ratio']:.1%} with one draft again")
    if "soak" in results:
        console.print(f"soak: {results['soak']}")
    console.print(f"audit records: {results['audit']}")


if __name__ == "__main__":
    result = main()
    save_results("http-soak" if result.get("soak") else "http", result)
