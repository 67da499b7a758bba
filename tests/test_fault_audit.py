"""Faults under load, on the real server: gunicorn workers, PostgreSQL, a worker killed while checks flow.

Every check that was answered 200 must have its record in the database, even the ones answered by
the worker that was killed; an override sent right after its check must find it. The load is
bounded in count (and every request in time); nothing here is timed.
"""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import bindparam, create_engine, text

from preflight.storage import Store

from .conftest import ROOT
from .test_instances import START_S, answers, wait_until
from .test_serve import BIN, free_port
from .test_storage import fresh_postgresql_schema

PG_URL = os.environ.get("PREFLIGHT_TEST_DATABASE_URL")
CLIENTS = 6
CHECKS = 360
KILL_AFTER = 120
OVERRIDES = 20
POST = "Our cream never fails."
RULE = "misleading-claims/absolute-guarantee"

pytestmark = pytest.mark.skipif(not PG_URL, reason="the fault test needs PostgreSQL: set PREFLIGHT_TEST_DATABASE_URL, "
                                                   "e.g. postgresql://postgres@127.0.0.1:5432/test")


def post(port: int, path: str, body: dict, key: str) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json", "Authorization": f"Bearer {key}"})
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def workers_of(master: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            children.append(int(stat.parent.name))
    return children


@pytest.fixture()
def server(tmp_path):
    with fresh_postgresql_schema() as database_url:
        env = {**os.environ, "PREFLIGHT_DATABASE_URL": database_url, "PREFLIGHT_RATE_LIMIT": "100000 per minute"}
        env.pop("PREFLIGHT_REDIS_URL", None)
        store = Store(database_url)
        key = store.create_key("editor", "check")
        store.dispose()
        port = free_port()
        log = tmp_path / "serve.log"  # a file, not a pipe: a full pipe would stall the workers' logging
        with log.open("w") as sink:
            proc = subprocess.Popen([str(BIN / "preflight"), "serve", "--port", str(port), "--workers", "2"],
                                    env={**env, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}, cwd=ROOT,
                                    stdout=subprocess.DEVNULL, stderr=sink, start_new_session=True)
        try:
            wait_until(lambda: proc.poll() is not None or answers(port), "preflight serve start", START_S)
            assert proc.poll() is None, log.read_text()[-2000:]
            yield port, key, proc, database_url
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=60)


def stored(database_url: str, ids: list[str]) -> set[str]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            query = text("SELECT id FROM checks WHERE id IN :ids").bindparams(bindparam("ids", expanding=True))
            return {row[0] for row in connection.execute(query, {"ids": ids})} if ids else set()
    finally:
        engine.dispose()


def test_killing_a_worker_under_load_loses_no_answered_check(server):
    port, key, proc, database_url = server
    answered: list[str] = []
    failed = []
    overrides: list[int] = []
    lock = threading.Lock()
    killed = threading.Event()
    work = iter(range(CHECKS))

    def client() -> None:
        for number in work:
            try:
                status, body = post(port, "/v1/check", {"text": POST, "language": "en"}, key)
            except OSError as exc:  # the killed worker's connections: not answered
                failed.append(type(exc).__name__)
                continue
            if status != 200:
                failed.append(status)
                continue
            with lock:
                answered.append(body["check_id"])
                if len(answered) == KILL_AFTER and not killed.is_set():
                    killed.set()
                    os.kill(workers_of(proc.pid)[0], signal.SIGKILL)
            if number % (CHECKS // OVERRIDES) == 0:
                reason = {"check_id": body["check_id"], "rules": [RULE], "reason": "approved"}
                try:
                    overrides.append(post(port, "/v1/overrides", reason, key)[0])
                except OSError:
                    pass

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert killed.is_set(), f"only {len(answered)} checks answered; failures: {failed[:5]}"
    lost = set(answered) - stored(database_url, answered)
    print(f"answered {len(answered)}, not answered {len(failed)}, lost after the kill {len(lost)}")
    assert len(answered) >= CHECKS - 3 * CLIENTS, failed
    assert not lost, f"{len(lost)} of {len(answered)} answered checks have no record"
    assert overrides and set(overrides) == {201}, overrides


def test_an_override_right_after_its_check_finds_it_on_any_worker(server):
    port, key, _, _ = server
    for _ in range(OVERRIDES):
        status, body = post(port, "/v1/check", {"text": POST, "language": "en"}, key)
        assert status == 200
        override = {"check_id": body["check_id"], "rules": [RULE], "reason": f"ticket {uuid.uuid4().hex[:6]}"}
        assert post(port, "/v1/overrides", override, key)[0] == 201


def raw(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send `request` as it is; the status, headers (lower-case names) and body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(request)
        answer = http.client.HTTPResponse(conn)
        answer.begin()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()


def test_the_server_answers_its_own_errors_in_json_and_closes_after_a_refused_upload(server):
    port, key, _, _ = server
    status, headers, body = raw(port, b"GET /v1/packs?" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status == 414 and headers["content-type"] == "application/json"
    assert json.loads(body)["error"]["code"] == "uri_too_long"
    status, headers, body = raw(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 20_000 + b"\r\n\r\n")
    assert status == 431 and json.loads(body)["error"]["code"] == "headers_too_large"
    upload = b"x" * 200_000
    status, headers, _ = raw(port, b"POST /v1/images/references HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key.encode()
                             + b"\r\nContent-Type: multipart/form-data; boundary=XX\r\nContent-Length: "
                             + str(len(upload)).encode() + b"\r\n\r\n" + upload[:1000])
    assert status == 403 and headers["connection"] == "close", headers
