"""The real server: `preflight serve` under gunicorn with two workers, as `make run` starts it."""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port: int, method: str, path: str, body: dict | None = None, key: str | None = None) -> tuple[int, dict | str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    try:
        conn.request(method, path, json.dumps(body) if body is not None else None, headers)
        response = conn.getresponse()
        raw = response.read().decode()
    finally:
        conn.close()
    try:
        return response.status, json.loads(raw)
    except json.JSONDecodeError:
        return response.status, raw


@pytest.fixture()
def server(tmp_path):
    port = free_port()
    env = {**os.environ, "PREFLIGHT_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    env.pop("PREFLIGHT_RULES_DIR", None)
    key = subprocess.run([str(BIN / "preflight"), "keys", "create", "--name", "editor", "--scope", "check"],
                         env=env, cwd=ROOT, capture_output=True, text=True, check=True, timeout=120).stdout
    assert key.count("\n") == 1 and key.startswith("pf_"), "the key is printed alone on one line"
    proc = subprocess.Popen([str(BIN / "preflight"), "serve", "--port", str(port), "--workers", "2"], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                break
        except OSError:
            time.sleep(0.5)
    else:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("preflight serve did not answer /healthz within 120 s")
    yield port, key.strip(), proc, tmp_path / "db.sqlite"
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()


def test_served_checks_are_recorded_and_counted_across_workers(server):
    port, key, proc, db = server
    verdicts = []
    for _ in range(20):
        status, body = request(port, "POST", "/v1/check", {"text": "Onze schoenen genezen gegarandeerd rugpijn!"}, key)
        assert status == 200
        verdicts.append(body["verdict"])
    assert set(verdicts) == {"block"}
    status, metrics = request(port, "GET", "/metrics")
    assert 'preflight_verdicts_total{verdict="block"} 20.0' in metrics
    assert request(port, "GET", "/readyz")[1]["status"] == "ready"
    os.killpg(proc.pid, signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM checks WHERE verdict = 'block'").fetchone()[0] == 20
    log_lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    checks = [entry for entry in log_lines if entry.get("message") == "check"]
    assert len(checks) == 20 and all(len(entry["check_id"]) == 32 for entry in checks)
    assert not any("genezen" in line for line in stderr.splitlines()), "post text must not reach the logs"
