"""A hostile or clumsy client against the HTTP API: broken bodies, unstorable text, forged keys, absurd values.

Each test names the finding of the hardening review it reproduces (F2 to F13); each failed before the fix.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import socket
import threading
import uuid

import pytest
from sqlalchemy import create_engine, text as sql

from preflight.http.app import create_app
from preflight.http.recorder import Recorder
from preflight.storage import Store
from preflight.storage.governance import Governance

from .conftest import RULES
from .test_storage import PG_URL, fresh_postgresql_schema

BLOCKED = "Onze schoenen genezen gegarandeerd rugpijn!"
NEVER_FAILS = "Our cream never fails."


def auth(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.is_json
    return response.get_json()["error"]


def raw_json(client, method: str, path: str, body: str, key: str):
    return client.open(path, method=method, data=body.encode("utf-8", "surrogatepass"),
                       headers={**auth(key), "Content-Type": "application/json"})


def multipart(client, key: str, body: bytes):
    return client.post("/v1/check", data=body, headers={**auth(key), "Content-Type": "multipart/form-data; boundary=XX"})


TEXT_PART = f'--XX\r\nContent-Disposition: form-data; name="text"\r\n\r\n{BLOCKED}\r\n'.encode()


def test_f3_the_same_post_properly_closed_is_blocked(client, keys):
    assert multipart(client, keys["check"], TEXT_PART + b"--XX--\r\n").get_json()["verdict"] == "block"


@pytest.mark.parametrize("body", [
    TEXT_PART,  # no closing boundary
    TEXT_PART[:40],  # cut off inside the part's headers
    TEXT_PART + b'--XX\r\nContent-Disposition: form-data; name="images"; filename="\xff\xfe.png"\r\n\r\nGIF89a\r\n--XX--\r\n',
], ids=["unclosed", "truncated", "filename-not-utf8"])
def test_f3_a_malformed_multipart_body_is_refused_not_checked_as_an_empty_post(client, keys, body):
    assert error_of(multipart(client, keys["check"], body), 400)["code"] == "bad_request"


@pytest.mark.parametrize("body", [{"text": ""}, {"text": "  \n "}, {}])
def test_f3_a_post_without_text_or_image_is_422(client, keys, body):
    error = error_of(client.post("/v1/check", json=body, headers=auth(keys["check"])), 422)
    assert error["code"] == "empty_post" and error["details"] == [{"field": "text"}]


@pytest.mark.parametrize("bad", ["\\u0000", "\\ud800", "\\udfff x"], ids=["nul", "high-surrogate", "low-surrogate"])
@pytest.mark.parametrize("method,path,template,field,scope", [
    ("POST", "/v1/check", '{"text": "Sale %s"}', "text", "check"),
    ("POST", "/v1/check", '{"text": "Sale", "images": [{"data": "", "alt": "%s"}]}', "images.0.alt", "check"),
    ("POST", "/v1/overrides", '{"check_id": "%s", "rules": ["x"], "reason": "ok"}', "check_id", "check"),
    ("POST", "/v1/overrides", '{"check_id": "' + "0" * 32 + '", "rules": ["x"], "reason": "ok %s"}', "reason", "check"),
    ("PUT", "/v1/crisis", '{"active": true, "message": "m %s", "approved_statements": []}', "message", "admin"),
    ("PUT", "/v1/crisis", '{"active": true, "message": "m", "approved_statements": ["a", "%s ok"]}', "approved_statements.1", "admin"),
    ("POST", "/v1/events", '{"name": "n %s", "terms": ["t"], "starts": "2026-01-01", "ends": "2026-01-02"}', "name", "admin"),
    ("POST", "/v1/events", '{"name": "n", "terms": ["%s storm"], "starts": "2026-01-01", "ends": "2026-01-02"}', "terms.0", "admin"),
    ("POST", "/v1/events", '{"name": "n", "terms": ["t"], "starts": "2026-01-01", "ends": "2026-01-02", "note": "%s"}', "note", "admin"),
])
def test_f4_f8_text_a_database_cannot_store_is_refused_at_the_edge_naming_the_field(client, keys, api, method, path,
                                                                                  template, field, scope, bad):
    before = api.extensions["preflight"].governance.store.crisis()
    error = error_of(raw_json(client, method, path, template % bad, keys[scope]), 422)
    assert error["code"] == "invalid_request" and error["details"][0]["field"] == field
    assert api.extensions["preflight"].governance.store.crisis() == before, "a refused change changes nothing"


def test_f8_a_lone_surrogate_stored_before_the_fix_does_not_break_admin_reads(client, keys, api):
    store = api.extensions["preflight"].governance.store
    store.set_crisis(True, "breach", ("\udfff ok",), "tests")
    try:
        response = client.get("/v1/crisis", headers=auth(keys["admin"]))
        assert response.status_code == 200
        assert response.get_json()["approved_statements"] == ["\udfff ok"]
        assert client.get("/v1/events", headers=auth(keys["admin"])).status_code == 200
    finally:
        store.set_crisis(False, "", (), "tests")
        api.extensions["preflight"].governance.load_crisis()


def record(text: str | None) -> dict:
    return {"check_id": uuid.uuid4().hex, "key_name": "k", "profile": None, "platform": None, "language": "en",
            "context": "post", "verdict": "pass", "rules": [], "packs": [], "text_sha256": "0" * 64, "text": text,
            "elapsed_ms": 1.0}


def stored_texts(url: str, ids: list[str]) -> dict[str, str | None]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {i: t for i, t in connection.execute(sql("SELECT id, text FROM checks")) if i in ids}
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not PG_URL, reason="needs PREFLIGHT_TEST_DATABASE_URL, e.g. postgresql://postgres@127.0.0.1:5432/test"))])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'preflight.db'}"
    else:
        with fresh_postgresql_schema() as url:
            yield url


def test_f4_a_record_the_database_refuses_is_set_aside_and_the_rest_are_written(database_url):
    store = Store(database_url)
    recorder = Recorder(store)
    bad = "NUL \x00 and \ud800"
    records = [record("fine"), record(bad), record("also fine"), record(None)]
    try:
        for item in records:
            recorder.record(item)
        later = record("after")
        assert recorder.record(later), "the writer still commits after a refused record"
        ids = [r["check_id"] for r in records + [later]]
        texts = stored_texts(database_url, ids)
        assert set(texts) == set(ids), "every check is recorded"
        assert texts[records[1]["check_id"]] is None, "the refused text is set aside, the check kept"
        assert texts[records[0]["check_id"]] == "fine" and texts[later["check_id"]] == "after"
    finally:
        store.dispose()


def test_f2_a_check_is_answered_only_once_its_record_is_written(client, keys, api):
    response = client.post("/v1/check", json={"text": NEVER_FAILS, "language": "en"}, headers=auth(keys["check"]))
    body = response.get_json()
    service = api.extensions["preflight"]
    assert service.recorder.pending(body["check_id"]) is None
    assert service.store.get_check(body["check_id"])["verdict"] == body["verdict"]


@pytest.fixture()
def guarded(tmp_path, checker):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "RULES_DIR": str(RULES),
                      "RATE_LIMIT": "5 per minute", "AUTH_FAILURE_LIMIT": "3 per minute"}, checker=checker)
    store = app.extensions["preflight"].store
    lookups = []
    verify = store.verify_key

    def counted(presented):
        lookups.append(presented)
        return verify(presented)

    store.verify_key = counted
    yield app, store.create_key("victim", "check"), lookups
    store.dispose()


def test_f5_forged_keys_with_a_victims_prefix_do_not_spend_the_victims_limit(guarded):
    app, victim, _ = guarded
    client = app.test_client()
    prefix = victim.split("_")[1]
    statuses = [client.get("/v1/packs", headers=auth(f"pf_{prefix}_{secrets.token_urlsafe(32)}")).status_code for _ in range(20)]
    assert statuses[:3] == [401] * 3 and set(statuses[3:]) == {429}
    # The victim calls from elsewhere: its own limit is untouched.
    answers = [client.get("/v1/packs", headers=auth(victim), environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code
               for _ in range(6)]
    assert answers == [200] * 5 + [429]


def test_f5_random_forged_keys_get_a_429_and_stop_reaching_the_database(guarded):
    app, _, lookups = guarded
    client = app.test_client()
    answers = [client.get("/v1/packs", headers=auth(f"pf_{secrets.token_hex(4)}_{secrets.token_urlsafe(32)}"))
               for _ in range(50)]
    assert [r.status_code for r in answers[:3]] == [401] * 3
    limited = answers[3:]
    assert {r.status_code for r in limited} == {429}
    assert limited[0].get_json()["error"]["code"] == "too_many_failed_authentications" and limited[0].headers["Retry-After"]
    assert len(lookups) == 3, "past the failed-authentication limit no key is looked up"


DEEP = "[" * 1000 + "]" * 1000


@pytest.mark.parametrize("method,path,scope", [
    ("POST", "/v1/check", "check"), ("POST", "/v1/check/batch", "check"), ("POST", "/v1/overrides", "check"),
    ("PUT", "/v1/crisis", "admin"), ("POST", "/v1/events", "admin"), ("POST", "/v1/packs/preview", "admin"),
])
def test_f7_json_nested_1000_deep_is_400_on_every_endpoint(client, keys, method, path, scope):
    for body in (DEEP, '{"text": ' + DEEP + "}", '{"items": [{"text": ' + "[" * 100 + "]" * 100 + "}]}"):
        assert error_of(raw_json(client, method, path, body, keys[scope]), 400)["code"] == "bad_request"


@pytest.mark.parametrize("name,content", [
    ("posts.jsonl", '{"text": "Our cream never fails.", "profile": ["a"]}\n{"text": "ok", "language": {"x": 1}}\n'),
    ("posts.csv", "text\n" + '"' + "a" * 140_000 + '"\nOur cream never fails.\n'),
    ("posts.jsonl", '{"text": "x", "id": ' + "[" * 100_000 + "]" * 100_000 + "}\n"),
], ids=["profile-list", "csv-huge-field", "jsonl-deep"])
def test_f7_a_posts_file_with_odd_lines_is_previewed_not_a_500(client, keys, name, content):
    import io

    response = client.post("/v1/packs/preview", headers=auth(keys["admin"]),
                           data={"rules_dir": RULES.name, "posts": (io.BytesIO(content.encode()), name)})
    assert response.status_code in (200, 422), response.get_data(as_text=True)[:300]
    assert response.is_json


def test_f7_the_scan_command_reports_odd_lines_instead_of_crashing(tmp_path):
    from preflight.scan import read_posts

    path = tmp_path / "posts.csv"
    path.write_text("text\n" + '"' + "a" * 140_000 + '"\nOur cream never fails.\n')
    items = list(read_posts(path))
    assert "error" in items[0] and items[-1]["text"] == NEVER_FAILS
    path = tmp_path / "posts.jsonl"
    path.write_text('{"text": "a", "profile": ["a"]}\n{"text": ' + "[" * 100_000 + "]" * 100_000 + '}\n{"text": "b"}\n')
    items = list(read_posts(path))
    assert ["error" in i for i in items] == [True, True, False]


@pytest.mark.parametrize("method,path,body", [
    ("POST", "/v1/events", {"name": "far", "terms": ["storm"], "starts": "9999-12-30", "ends": "9999-12-31"}),
    ("POST", "/v1/events", {"name": "far", "terms": ["storm"], "starts": "2026-01-01", "ends": "9999-12-31T23:00-05:00"}),
    ("GET", "/v1/reports/rules?until=9999-12-31", None),
    ("GET", "/v1/reports/rules?until=0001-01-01", None),
    ("DELETE", "/v1/events/99999999999999999999", None),
])
def test_f7_absurd_dates_and_ids_are_4xx(client, keys, method, path, body):
    response = client.open(path, method=method, json=body, headers=auth(keys["admin"]))
    assert 400 <= response.status_code < 500 and response.is_json, response.get_data(as_text=True)[:300]


def test_f12_101_items_are_413_and_the_limit_follows_the_configuration(client, keys, tmp_path, checker):
    items = [{"text": "ok"}] * 101
    assert error_of(client.post("/v1/check/batch", json={"items": items}, headers=auth(keys["check"])), 413)["code"] == "too_many_items"
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "RULES_DIR": str(RULES), "MAX_BATCH_ITEMS": 101}, checker=checker)
    key = app.extensions["preflight"].store.create_key("batch", "check")
    response = app.test_client().post("/v1/check/batch", json={"items": items}, headers=auth(key))
    assert response.status_code == 200 and len(response.get_json()["items"]) == 101
    app.extensions["preflight"].store.dispose()


def test_f12_a_batch_over_the_character_budget_is_413_before_any_check(client, keys, api, monkeypatch):
    calls = []
    monkeypatch.setattr(api.extensions["preflight"].checker, "check", lambda *a, **k: calls.append(1))
    items = [{"text": "x" * 90_000}] * 6
    error = error_of(client.post("/v1/check/batch", json={"items": items}, headers=auth(keys["check"])), 413)
    assert error["code"] == "batch_too_large" and "540,000" in error["message"] and calls == []


def test_f13_the_stored_text_hash_is_keyed_with_the_deployments_secret(tmp_path, checker):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    app = create_app({"DATABASE_URL": url, "RULES_DIR": str(RULES), "HASH_SECRET": "s3cret"}, checker=checker)
    service = app.extensions["preflight"]
    key = service.store.create_key("hash", "check")
    body = app.test_client().post("/v1/check", json={"text": NEVER_FAILS}, headers=auth(key)).get_json()
    stored = service.store.get_check(body["check_id"])["text_sha256"]
    assert stored != hashlib.sha256(NEVER_FAILS.encode()).hexdigest(), "a guess cannot be confirmed with a plain hash"
    assert stored == hmac.new(b"s3cret", NEVER_FAILS.encode(), hashlib.sha256).hexdigest()
    service.store.dispose()
    # Without a configured secret, one is generated once for the database and kept.
    first, second = Store(url), Store(url)
    assert first.text_hash("x") == second.text_hash("x") != Store(f"sqlite:///{tmp_path / 'other.db'}").text_hash("x")


def unavailable_app(tmp_path, monkeypatch, checker):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "RULES_DIR": str(RULES)}, checker=checker)
    service = app.extensions["preflight"]
    keys = {"check": service.store.create_key("c", "check"), "admin": service.store.create_key("a", "admin")}
    client = app.test_client()
    # Verified once while the database answers: the key cache carries checks through the outage.
    assert client.get("/v1/packs", headers=auth(keys["check"])).status_code == 200
    with socket.socket() as probe:  # a port nobody listens on: connections are refused at once
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    broken = Store.__new__(Store)
    from preflight.storage.store import open_engine
    from sqlalchemy.orm import sessionmaker

    broken._engine = open_engine(f"postgresql://nobody@127.0.0.1:{port}/none", 1.0)
    broken._sessions = sessionmaker(broken._engine)
    broken._ping_lock = threading.Lock()
    for name in ("_engine", "_sessions"):
        monkeypatch.setattr(service.store, name, getattr(broken, name))
    monkeypatch.setattr(service.governance.store, "_sessions", broken._sessions)
    return app, keys


def test_f9_with_the_database_away_checks_go_on_and_the_rest_answers_503(tmp_path, monkeypatch, checker):
    app, keys = unavailable_app(tmp_path, monkeypatch, checker)
    client = app.test_client()
    check = client.post("/v1/check", json={"text": NEVER_FAILS}, headers=auth(keys["check"]))
    assert check.status_code == 200, check.get_data(as_text=True)[:300]
    assert app.extensions["preflight"].recorder.pending(check.get_json()["check_id"]), "its record waits to be written"
    error = error_of(client.get("/v1/events", headers=auth(keys["admin"])), 503)
    assert error["code"] == "database_unavailable"
    unknown = client.get("/v1/packs", headers=auth(f"pf_{secrets.token_hex(4)}_{secrets.token_urlsafe(32)}"))
    assert error_of(unknown, 503)["code"] == "database_unavailable"
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["database"] == "unreachable"


def test_f9_a_database_that_accepts_but_never_answers_does_not_hold_readyz(api, client, monkeypatch):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted = []

    def accept():
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    from preflight.storage.store import open_engine

    silent = open_engine(f"postgresql://nobody@127.0.0.1:{listener.getsockname()[1]}/none", 30.0)
    monkeypatch.setattr(api.extensions["preflight"].store, "_engine", silent)
    try:
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.get_json()["database"] == "unreachable"
        assert accepted, "the ping reached the silent database"
    finally:
        listener.close()
        for connection in accepted:
            connection.close()


@pytest.mark.skipif(not PG_URL, reason="needs PREFLIGHT_TEST_DATABASE_URL, e.g. postgresql://postgres@127.0.0.1:5432/test")
def test_f9_a_held_lock_on_the_keys_answers_503_within_the_lock_timeout(tmp_path, checker):
    with fresh_postgresql_schema() as url:
        app = create_app({"DATABASE_URL": url, "RULES_DIR": str(RULES), "DATABASE_TIMEOUT": 0.5}, checker=checker)
        store = app.extensions["preflight"].store
        key = store.create_key("locked", "check")
        engine = create_engine(url)
        try:
            with engine.begin() as holder:
                holder.execute(sql("LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE"))
                response = app.test_client().get("/v1/packs", headers=auth(key))
                assert error_of(response, 503)["code"] == "database_unavailable"
                assert response.headers["Retry-After"]
        finally:
            engine.dispose()
            store.dispose()


def test_f9_a_revoked_key_stops_working_through_the_change_counters_not_the_cache_time(tmp_path, checker):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "RULES_DIR": str(RULES), "SYNC_SECONDS": 0}, checker=checker)
    service = app.extensions["preflight"]
    key = service.store.create_key("leaver", "check")
    client = app.test_client()
    assert client.get("/v1/packs", headers=auth(key)).status_code == 200
    Store(app.config["DATABASE_URL"]).revoke_key("leaver")  # elsewhere: another process, the CLI
    assert client.get("/v1/packs", headers=auth(key)).status_code == 401
    service.store.dispose()


def test_f11_a_refused_upload_closes_the_connection(client, keys):
    response = client.post("/v1/images/references", data=b"x" * 100_000, headers={
        **auth(keys["check"]), "Content-Type": "multipart/form-data; boundary=XX"})
    assert response.status_code == 403 and response.headers["Connection"] == "close"
    assert "Connection" not in client.get("/healthz").headers


@pytest.mark.parametrize("page", ["/", "/reports", "/approvals"])
def test_f14_the_key_handling_pages_allow_only_their_own_scripts(client, page):
    response = client.get(page)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert "<script>" not in response.get_data(as_text=True), "no inline script the policy would block"
