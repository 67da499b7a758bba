"""A re-check of an unchanged draft is answered from the worker's memory, yet audited; any change of state is seen."""
from __future__ import annotations

import pytest

from preflight.checker import Checker
from preflight.http import service as service_module
from preflight.http.app import create_app

from .test_crisis import auth, crisis_off, switch_on  # noqa: F401 (a fixture)
from .test_packs_lint import GOOD_RULE, HEADER

DRAFT = "Lovely weather for a picnic, this is too good!"


@pytest.fixture()
def checks(monkeypatch):
    """The posts actually checked (not answered from memory)."""
    seen = []
    real = service_module.check_post

    def counting(submission, *args, **kwargs):
        seen.append(submission.text)
        return real(submission, *args, **kwargs)

    monkeypatch.setattr(service_module, "check_post", counting)
    return seen


@pytest.fixture()
def pack_api(tmp_path, analyzer):
    """An app over one pack in a directory the test may edit and reload."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "demo.yaml").write_text(HEADER + GOOD_RULE, encoding="utf-8")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "RULES_DIR": str(rules),
                      "RATE_LIMIT": "10000 per second"}, checker=Checker.from_directory(rules, analyzer=analyzer))
    store = app.extensions["preflight"].store
    return app, rules, {"check": store.create_key("checker", "check"), "admin": store.create_key("admin", "admin")}


def test_an_unchanged_draft_is_checked_once_and_every_answer_is_audited(api, keys, checks):
    client = api.test_client()
    service = api.extensions["preflight"]
    text = "Unchanged draft: up to 70% off everything this weekend!"
    answers = [client.post("/v1/check", json={"text": text, "language": "en"}, headers=auth(keys["check"])).get_json()
               for _ in range(3)]
    assert checks == [text]
    assert answers[1]["findings"] == answers[0]["findings"] == answers[2]["findings"] != []
    assert len({a["check_id"] for a in answers}) == 3
    service.recorder.flush()
    assert all(service.store.get_check(a["check_id"]) is not None for a in answers)
    # Any other field is another submission.
    client.post("/v1/check", json={"text": text, "language": "en", "platform": "x"}, headers=auth(keys["check"]))
    client.post("/v1/check", json={"text": text, "language": "auto"}, headers=auth(keys["check"]))
    assert checks == [text] * 3


def test_switching_crisis_mode_on_is_seen_by_a_draft_answered_before(crisis_off, keys, checks):
    client = crisis_off
    text = "Unchanged draft for a calm afternoon."
    calm = client.post("/v1/check", json={"text": text, "language": "en"}, headers=auth(keys["check"])).get_json()
    assert calm["verdict"] == "pass"
    assert switch_on(client, keys).status_code == 200
    held = client.post("/v1/check", json={"text": text, "language": "en"}, headers=auth(keys["check"])).get_json()
    assert held["verdict"] == "block"
    assert client.put("/v1/crisis", json={"active": False}, headers=auth(keys["admin"])).status_code == 200
    again = client.post("/v1/check", json={"text": text, "language": "en"}, headers=auth(keys["check"])).get_json()
    assert again["verdict"] == "pass"


def test_a_pack_reload_is_seen_by_a_draft_answered_before(pack_api):
    app, rules, keys = pack_api
    client = app.test_client()

    def messages():
        body = client.post("/v1/check", json={"text": DRAFT, "language": "en"}, headers=auth(keys["check"])).get_json()
        return [f["message"] for f in body["findings"]]

    assert messages() == ["“too good” is too good."]
    (rules / "demo.yaml").write_text(HEADER + GOOD_RULE.replace("is too good.", "overpromises."), encoding="utf-8")
    assert messages() == ["“too good” is too good."]  # not reloaded yet: the packs in force
    assert client.post("/v1/packs/reload", headers=auth(keys["admin"])).get_json()["reloaded"]
    assert messages() == ["“too good” overpromises."]


def test_a_report_that_skipped_a_check_is_not_kept(api, keys, checks, monkeypatch):
    service = api.extensions["preflight"]
    real = service.grammar

    def away(job):
        found = real(job)
        found.skipped.append({"check": "grammar", "reason": "LanguageTool did not answer"})
        return found

    monkeypatch.setattr(service, "grammar", away)
    client = api.test_client()
    text = "A draft checked while LanguageTool is away."
    for _ in range(2):
        client.post("/v1/check", json={"text": text, "language": "en"}, headers=auth(keys["check"]))
    assert checks == [text, text]


def test_a_draft_answered_before_a_grammar_server_was_set_is_checked_with_it(api, keys, checks, monkeypatch):
    service = api.extensions["preflight"]
    client = api.test_client()
    text = "A draft checked before and after the grammar server changed."
    client.post("/v1/check", json={"text": text, "language": "en"}, headers=auth(keys["check"]))
    real = service.grammar

    def other_server(job):
        found = real(job)
        found.skipped.append({"check": "grammar", "reason": "LanguageTool did not answer"})
        return found

    monkeypatch.setattr(service, "grammar", other_server)
    body = client.post("/v1/check", json={"text": text, "language": "en"}, headers=auth(keys["check"])).get_json()
    assert checks == [text, text]
    assert {"check": "grammar", "reason": "LanguageTool did not answer"} in body["skipped"]
