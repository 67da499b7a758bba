"""Outgoing webhooks about approval requests, against a receiver the tests start on 127.0.0.1."""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import update

from preflight.storage.models import ApprovalRow
from preflight.governance.webhooks import parse_hooks

from .conftest import RULES

SECRET = "s3cret-for-tests"
POST = "Our cream never fails."
WAIT_S = 30


class Receiver:
    """Records every POST; answers 500 to the first `failures` of them, and holds answers while `held` is clear."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.received: list[dict] = []
        self.held = threading.Event()
        self.held.set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the name http.server calls
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.held.wait(WAIT_S)
                receiver.received.append({"path": self.path, "body": body, "headers": dict(self.headers)})
                failing = len(receiver.received) <= receiver.failures
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def stop(self) -> None:
        self.held.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def receiver():
    started = Receiver(failures=1)
    yield started
    started.stop()


@pytest.fixture()
def app(tmp_path, checker, receiver):
    from preflight.http.app import create_app

    hooks = [{"url": receiver.url("/slack"), "format": "slack", "secret": SECRET},
             {"url": receiver.url("/teams"), "format": "teams", "secret": SECRET},
             {"url": receiver.url("/json"), "format": "json", "secret": SECRET}]
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'preflight.db'}", "RULES_DIR": str(RULES),
                      "RATE_LIMIT": "10000 per second", "WEBHOOKS": json.dumps(hooks), "WEBHOOK_BACKOFF_SECONDS": 0.05,
                      "WEBHOOK_ATTEMPTS": 3}, checker=checker)
    yield app
    app.extensions["preflight"].webhooks.flush(WAIT_S)


def keys_of(app) -> dict:
    store = app.extensions["preflight"].store
    return {name: f"Bearer {store.create_key(name, scope)}" for name, scope in
            (("editor", "check"), ("lead", "approve"), ("owner", "admin"))}


def request_approval(client, keys) -> dict:
    body = {"submission": {"text": POST, "language": "en"}, "note": "for the spring campaign"}
    response = client.post("/v1/approvals", json=body, headers={"Authorization": keys["editor"]})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def by_path(receiver) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for hit in receiver.received:
        out.setdefault(hit["path"], []).append(hit)
    return out


def test_every_format_gets_a_signed_message_and_a_500_is_retried(app, receiver):
    client, keys = app.test_client(), keys_of(app)
    approval = request_approval(client, keys)
    assert app.extensions["preflight"].webhooks.flush(WAIT_S)
    hits = by_path(receiver)
    assert sorted(hits) == ["/json", "/slack", "/teams"]
    assert sum(len(h) for h in hits.values()) == 4  # one 500, retried
    for hit in receiver.received:
        expected = "sha256=" + hmac.new(SECRET.encode(), hit["body"], hashlib.sha256).hexdigest()
        assert hit["headers"]["X-Preflight-Signature"] == expected
    slack = json.loads(hits["/slack"][-1]["body"])
    assert approval["id"] in slack["text"] and slack["blocks"][0]["type"] == "section"
    assert any("for the spring campaign" in f["text"] for f in slack["blocks"][1]["fields"])
    teams = json.loads(hits["/teams"][-1]["body"])
    card = teams["attachments"][0]
    assert teams["type"] == "message" and card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["type"] == "AdaptiveCard" and approval["id"] in card["content"]["body"][0]["text"]
    generic = json.loads(hits["/json"][-1]["body"])
    assert generic["event"] == "approval.created" and generic["id"] == approval["id"]
    assert generic["rules"] == ["misleading-claims/absolute-guarantee"] and generic["requested_by"] == "editor"
    assert all(POST not in hit["body"].decode() for hit in receiver.received)  # the post's text never leaves
    log = client.get("/v1/webhooks/deliveries", headers={"Authorization": keys["owner"]}).get_json()["deliveries"]
    assert sorted(d["status"] for d in log) == ["delivered"] * 3
    retried = [d for d in log if d["attempts"] == 2]
    assert len(retried) == 1 and retried[0]["last_error"] is None
    assert client.get("/v1/webhooks/deliveries", headers={"Authorization": keys["lead"]}).status_code == 403


def test_decided_and_expired_are_sent_once(app, receiver):
    client, keys = app.test_client(), keys_of(app)
    approval = request_approval(client, keys)
    response = client.post(f"/v1/approvals/{approval['id']}/decision", json={"decision": "reject", "comment": "not now"},
                           headers={"Authorization": keys["lead"]})
    assert response.status_code == 200
    other = request_approval(client, keys)
    service = app.extensions["preflight"]
    with service.store._sessions.begin() as session:
        session.execute(update(ApprovalRow).where(ApprovalRow.id == other["id"])
                        .values(expires_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
    for _ in range(2):
        client.get(f"/v1/approvals/{other['id']}", headers={"Authorization": keys["editor"]})
    client.get("/v1/approvals", headers={"Authorization": keys["lead"]})
    assert service.webhooks.flush(WAIT_S)
    events = [json.loads(h["body"]) for h in by_path(receiver)["/json"]]
    delivered = [(e["event"], e["id"]) for e in events]
    assert delivered.count(("approval.decided", approval["id"])) == 1
    assert delivered.count(("approval.expired", other["id"])) == 1
    rejected = next(e for e in events if e["event"] == "approval.decided")
    assert rejected["state"] == "rejected" and rejected["decisions"][0]["comment"] == "not now"


def test_a_receiver_that_holds_the_answer_does_not_hold_the_request(app, receiver):
    client, keys = app.test_client(), keys_of(app)
    receiver.held.clear()  # the receiver reads the message and does not answer until released
    try:
        approval = request_approval(client, keys)
        checked = client.post("/v1/check", json={"text": POST, "approval_id": approval["id"]},
                              headers={"Authorization": keys["editor"]})
        assert checked.status_code == 200 and receiver.received == []
    finally:
        receiver.held.set()
    assert app.extensions["preflight"].webhooks.flush(WAIT_S)
    assert len(receiver.received) >= 3


def test_a_receiver_that_keeps_failing_is_logged_as_failed(tmp_path, checker):
    from preflight.http.app import create_app

    failing = Receiver(failures=100)
    try:
        app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'preflight.db'}", "RULES_DIR": str(RULES),
                          "WEBHOOKS": [{"url": failing.url("/down"), "format": "json", "secret": SECRET}],
                          "WEBHOOK_BACKOFF_SECONDS": 0.01, "WEBHOOK_ATTEMPTS": 3}, checker=checker)
        client, keys = app.test_client(), keys_of(app)
        request_approval(client, keys)
        assert app.extensions["preflight"].webhooks.flush(WAIT_S)
        [delivery] = client.get("/v1/webhooks/deliveries", headers={"Authorization": keys["owner"]}).get_json()["deliveries"]
        assert delivery["status"] == "failed" and delivery["attempts"] == 3 and delivery["last_error"] == "HTTP 500"
        assert len(failing.received) == 3
    finally:
        failing.stop()


@pytest.mark.parametrize("setting,problem", [
    ('[{"url": "file:///etc/passwd"}]', "http:// or https://"),
    ('[{"url": "ftp://127.0.0.1/x"}]', "http:// or https://"),
    ('[{"url": "http://127.0.0.1/x", "format": "discord"}]', "slack, teams, json"),
    ('[{"url": "http://127.0.0.1/x", "token": "x"}]', "must be an object"),
    ('{"url": "http://127.0.0.1/x"}', "JSON list"),
    ("not json", "not JSON"),
])
def test_bad_webhook_settings_are_refused_with_what_to_fix(setting, problem):
    with pytest.raises(ValueError, match=problem):
        parse_hooks(setting)
