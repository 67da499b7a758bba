"""Many instances that agree: two `preflight serve` processes on one PostgreSQL database and one Redis.

A change made through one instance (crisis mode, a pack reload, a revoked key) is in force through the
other within the sync interval, and rate limits are counted once for both. Without Redis the service
keeps answering, with limits per process, and /readyz says so.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import uuid

import pytest

from preflight.storage import Store

from .conftest import ROOT, RULES
from .test_serve import BIN, free_port, request
from .test_storage import fresh_postgresql_schema

PG_URL = os.environ.get("PREFLIGHT_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("PREFLIGHT_TEST_REDIS_URL")
START_S = 180
AGREE_S = 15  # a bound for the polling loops below, far above the 1 s sync interval; nothing is timed
LIMIT = 200


def answers(port: int) -> bool:
    try:
        return request(port, "GET", "/healthz")[0] == 200
    except OSError:
        return False


def wait_until(condition, what: str, seconds: float = AGREE_S):
    """Poll `condition` until it returns something truthy; fail with `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    pytest.fail(f"no {what} within {seconds} s")


def start(port: int, env: dict, tmp_path) -> subprocess.Popen:
    metrics = tmp_path / f"metrics-{port}"
    metrics.mkdir()
    return subprocess.Popen([str(BIN / "preflight"), "serve", "--port", str(port), "--workers", "2"],
                            env={**env, "PROMETHEUS_MULTIPROC_DIR": str(metrics)}, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()


@pytest.fixture(scope="module")
def instances(tmp_path_factory):
    if not PG_URL or not REDIS_URL:
        pytest.skip("the two-instance test needs PREFLIGHT_TEST_DATABASE_URL (PostgreSQL) and PREFLIGHT_TEST_REDIS_URL (Redis)")
    tmp_path = tmp_path_factory.mktemp("instances")
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    with fresh_postgresql_schema() as database_url:
        env = {**os.environ, "PREFLIGHT_DATABASE_URL": database_url, "PREFLIGHT_REDIS_URL": REDIS_URL,
               "PREFLIGHT_REDIS_KEY_PREFIX": f"preflight-test-{uuid.uuid4().hex[:12]}", "PREFLIGHT_RULES_DIR": str(rules),
               "PREFLIGHT_RATE_LIMIT": f"{LIMIT} per minute"}
        store = Store(database_url)  # the shell's `preflight keys create` is tested in test_keys_cli
        keys = {name: store.create_key(name, scope)
                for name, scope in (("owner", "admin"), ("editor", "check"), ("leaver", "check"), ("burst", "check"))}
        store.dispose()
        ports = [free_port(), free_port()]
        procs = [start(port, env, tmp_path) for port in ports]
        try:
            for port, proc in zip(ports, procs):
                wait_until(lambda: proc.poll() is not None or answers(port), f"preflight serve on port {port} start", START_S)
                assert proc.poll() is None, f"preflight serve on port {port} exited: {proc.stderr.read()}"
            yield ports, keys, rules, env
        finally:
            for proc in procs:
                stop(proc)


def held(port: int, key: str) -> dict | None:
    status, body = request(port, "POST", "/v1/check", {"text": "New candles in store today.", "language": "en"}, key)
    assert status == 200, body
    return next((f for f in body["findings"] if f["rule"] == "crisis/publishing-paused"), None)


def test_crisis_mode_switched_through_one_instance_holds_posts_on_the_other(instances):
    (first, second), keys, _, _ = instances
    assert held(second, keys["editor"]) is None
    status, body = request(first, "PUT", "/v1/crisis", {"active": True, "message": "product recall"}, keys["owner"])
    assert status == 200, body
    finding = wait_until(lambda: held(second, keys["editor"]), "crisis finding on the other instance")
    assert "product recall" in finding["message"] and finding["message"].endswith("by owner")
    assert request(second, "PUT", "/v1/crisis", {"active": True, "message": "product recall"}, keys["owner"])[0] == 409
    assert request(second, "PUT", "/v1/crisis", {"active": False}, keys["owner"])[0] == 200
    wait_until(lambda: held(first, keys["editor"]) is None, "end of the crisis on the other instance")


def test_an_override_through_one_instance_finds_a_check_just_made_through_the_other(instances):
    (first, second), keys, _, _ = instances
    status, check = request(first, "POST", "/v1/check", {"text": "Our cream never fails.", "language": "en"}, keys["editor"])
    assert status == 200
    body = {"check_id": check["check_id"], "rules": ["misleading-claims/absolute-guarantee"], "reason": "documented claim"}
    status, answer = request(second, "POST", "/v1/overrides", body, keys["editor"])
    assert status == 201, answer


def test_a_pack_reload_through_one_instance_is_in_force_on_the_other(instances):
    (first, second), keys, rules, _ = instances
    version = lambda port: {p["id"]: p["version"] for p in request(port, "GET", "/v1/packs", key=keys["owner"])[1]["packs"]}["privacy"]  # noqa: E731
    pack = rules / "privacy.yaml"
    pack.write_text(pack.read_text(encoding="utf-8").replace("\nversion: ", "\nversion: 7", 1), encoding="utf-8")
    assert not version(second).startswith("7")
    assert request(first, "POST", "/v1/packs/reload", key=keys["owner"])[0] == 200
    wait_until(lambda: version(second).startswith("7"), "reloaded packs on the other instance")


def test_a_key_revoked_from_the_shell_is_refused_by_both_instances(instances):
    (first, second), keys, _, env = instances
    assert request(second, "GET", "/v1/profiles", key=keys["leaver"])[0] == 200
    subprocess.run([str(BIN / "preflight"), "keys", "revoke", "leaver"], env=env, cwd=ROOT, check=True, timeout=120,
                   capture_output=True)
    wait_until(lambda: request(second, "GET", "/v1/profiles", key=keys["leaver"])[0] == 401, "refusal of the revoked key")
    assert request(first, "GET", "/v1/profiles", key=keys["leaver"])[0] == 401


def test_rate_limits_are_counted_once_across_instances(instances):
    (first, second), keys, _, _ = instances
    statuses = [request(port, "GET", "/v1/profiles", key=keys["burst"])[0] for _ in range(LIMIT // 2 + 5) for port in (first, second)]
    assert statuses.count(200) == LIMIT, "one limit for both instances: per-process limits would let every request through"
    assert set(statuses[LIMIT:]) == {429}
    ready = request(first, "GET", "/readyz")[1]
    assert ready["optional"]["redis"].startswith("up")


def test_without_redis_the_service_answers_with_limits_per_process_and_readyz_says_so(tmp_path, checker):
    from preflight.http.app import create_app

    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "RULES_DIR": str(RULES), "REDIS_URL": dead,
                      "RATE_LIMIT": "3 per minute"}, checker=checker)
    service = app.extensions["preflight"]
    key = service.store.create_key("editor", "check")
    client = app.test_client()
    try:
        statuses = [client.get("/v1/profiles", headers={"Authorization": f"Bearer {key}"}).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429], "limits still apply, counted in this process"
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.get_json()["optional"]["redis"].startswith("down")
    finally:
        service.recorder.flush()
        service.store.dispose()
