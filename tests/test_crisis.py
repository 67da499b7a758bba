"""Crisis mode: every check is held, except approved statements, in every process, through the API and the CLI."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from preflight.cli import main
from preflight.governance.crisis import MAX_STATEMENTS, Crisis, normalise_statement

STATEMENT = "We are aware of the outage and are working on it. Updates follow here."


def auth(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture()
def crisis_off(api, keys):
    """Whatever a test does, crisis mode is off again afterwards: the app is shared by the whole session."""
    yield api.test_client()
    state = api.extensions["preflight"].governance
    if state.store.crisis().active:
        state.store.set_crisis(False, "", (), "tests")
    state.load_crisis()


def switch_on(client, keys, **body):
    payload = {"active": True, "message": "data breach under investigation", "approved_statements": [STATEMENT], **body}
    return client.put("/v1/crisis", json=payload, headers=auth(keys["admin"]))


def test_approved_statements_compare_without_case_punctuation_or_spacing():
    assert normalise_statement("  We're SORRY!!\n  Updates   follow… ") == normalise_statement("we re sorry updates follow")
    crisis = Crisis(True, "m", (STATEMENT,), datetime(2026, 1, 1, tzinfo=timezone.utc), "owner")
    assert crisis.is_approved("we are aware of the outage, and are working on it -- updates follow here")
    assert not crisis.is_approved("We are aware of the outage. Shop now!")


@pytest.mark.parametrize("language,start", [("en", "publishing is paused: "), ("nl", "publiceren is gepauzeerd: "),
                                            ("da", "udgivelse er sat på pause: "), ("sv", "publicering är pausad: "),
                                            ("de", "Veröffentlichen ist pausiert: ")])
def test_the_crisis_finding_is_in_the_posts_language(language, start):
    crisis = Crisis(True, "outage", (), datetime(2026, 3, 4, 5, 6, tzinfo=timezone.utc), "owner")
    finding = crisis.finding("Hej", language)
    assert finding.message.startswith(start + "outage, ") and "2026-03-04 05:06 UTC" in finding.message
    assert finding.message.endswith(" owner")


def test_while_on_every_check_is_blocked_except_approved_statements(crisis_off, keys):
    client = crisis_off
    response = switch_on(client, keys)
    assert response.status_code == 200, response.get_json()
    state = response.get_json()
    assert state["active"] and state["by"] == "admin" and state["since"]
    text = "Lovely weather for a picnic!"
    body = client.post("/v1/check", json={"text": text, "language": "en"}, headers=auth(keys["check"])).get_json()
    assert body["verdict"] == "block"
    held = next(f for f in body["findings"] if f["rule"] == "crisis/publishing-paused")
    assert held["pack"] == "crisis" and held["severity"] == "block"
    assert held["span"] == {"start": 0, "end": len(text), "text": text}
    assert held["message"].startswith("publishing is paused: data breach under investigation, since ")
    assert held["message"].endswith(", by admin")
    dutch = client.post("/v1/check", json={"text": "Heerlijk weer voor een picknick vandaag!"}, headers=auth(keys["check"])).get_json()
    assert any(f["message"].startswith("publiceren is gepauzeerd") for f in dutch["findings"])
    variant = "we are aware of the outage, and are working on it!  Updates follow here"
    approved = client.post("/v1/check", json={"text": variant}, headers=auth(keys["check"])).get_json()
    assert approved["verdict"] == "pass" and approved["findings"] == []


def test_switching_off_lets_posts_through_and_both_switches_are_in_the_audit_trail(crisis_off, keys, api):
    client = crisis_off
    started = datetime.now(timezone.utc)
    assert switch_on(client, keys).status_code == 200
    response = client.put("/v1/crisis", json={"active": False}, headers=auth(keys["admin"]))
    assert response.status_code == 200 and response.get_json()["active"] is False
    body = client.post("/v1/check", json={"text": "Lovely weather for a picnic!"}, headers=auth(keys["check"])).get_json()
    assert body["verdict"] == "pass"
    trail = api.extensions["preflight"].governance.store.audit_trail(since=started)
    assert [(e["action"], e["by"]) for e in trail] == [("crisis.on", "admin"), ("crisis.off", "admin")]
    assert trail[0]["details"]["message"] == "data breach under investigation"


def test_switching_on_twice_is_a_conflict_but_a_new_statement_is_an_update(crisis_off, keys):
    client = crisis_off
    first = switch_on(client, keys).get_json()
    again = switch_on(client, keys)
    assert again.status_code == 409
    assert "already on" in again.get_json()["error"]["message"]
    updated = switch_on(client, keys, approved_statements=[STATEMENT, "We will email every customer today."])
    assert updated.status_code == 200
    assert updated.get_json()["since"] == first["since"] and len(updated.get_json()["approved_statements"]) == 2
    off = client.put("/v1/crisis", json={"active": False}, headers=auth(keys["admin"]))
    assert off.status_code == 200
    assert client.put("/v1/crisis", json={"active": False}, headers=auth(keys["admin"])).status_code == 409


@pytest.mark.parametrize("body,field", [
    ({"approved_statements": [f"statement {i}" for i in range(MAX_STATEMENTS + 1)]}, "approved_statements"),
    ({"message": "  "}, "message"),
    ({"approved_statements": ["ok", " "]}, "approved_statements.1"),
])
def test_bad_crisis_requests_are_422_and_change_nothing(crisis_off, keys, body, field):
    client = crisis_off
    response = switch_on(client, keys, **body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["details"] == [{"field": field}] and error["message"]
    assert client.get("/v1/crisis", headers=auth(keys["admin"])).get_json()["active"] is False


def test_crisis_is_for_admins(client, keys):
    assert client.get("/v1/crisis", headers=auth(keys["check"])).status_code == 403
    assert client.put("/v1/crisis", json={"active": True, "message": "x"}, headers=auth(keys["check"])).status_code == 403


def test_the_cli_switches_it_and_running_servers_follow(crisis_off, keys, api, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PREFLIGHT_DATABASE_URL", api.config["DATABASE_URL"])
    monkeypatch.setenv("USER", "owner")
    statements = tmp_path / "statements.txt"
    statements.write_text(f"{STATEMENT}\n\nWe will email every customer today.\n", encoding="utf-8")
    on = ["crisis", "on", "--message", "recall of batch 12", "--statements", str(statements)]
    assert main(on) == 0
    assert "2 approved statement" in capsys.readouterr().out
    assert main(on) == 3 and "already on" in capsys.readouterr().err
    api.extensions["preflight"].sync.poll(force=True)
    body = crisis_off.post("/v1/check", json={"text": "New candles in store"}, headers=auth(keys["check"])).get_json()
    held = next(f for f in body["findings"] if f["rule"] == "crisis/publishing-paused")
    assert "recall of batch 12" in held["message"] and held["message"].endswith("by cli:owner")
    assert main(["crisis", "status"]) == 0
    status = capsys.readouterr().out
    assert "ON" in status and "recall of batch 12" in status
    assert main(["crisis", "off"]) == 0
    capsys.readouterr()
    assert main(["crisis", "status"]) == 0 and "off" in capsys.readouterr().out


@pytest.fixture()
def crisis_overrides(api):
    """Crisis overrides allowed for one test (the app is shared: the setting goes back afterwards)."""
    api.config["CRISIS_OVERRIDES"] = True
    yield
    api.config["CRISIS_OVERRIDES"] = False


def held_check(client, keys) -> dict:
    assert switch_on(client, keys).status_code == 200
    body = client.post("/v1/check", json={"text": "Lovely weather for a picnic!", "language": "en"}, headers=auth(keys["check"])).get_json()
    assert body["verdict"] == "block"
    return body


def test_a_held_post_cannot_be_published_anyway_unless_the_deployment_allows_it(crisis_off, keys):
    client = crisis_off
    body = held_check(client, keys)
    assert body["crisis"] == {"publish_anyway": False, "reason_min_chars": 20}
    override = {"check_id": body["check_id"], "rules": ["crisis/publishing-paused"], "reason": "the board approved this post today"}
    response = client.post("/v1/overrides", json=override, headers=auth(keys["check"]))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "crisis_override_disabled"
    calm = client.post("/v1/check", json={"text": "We are aware of the outage, and are working on it. Updates follow here."},
                       headers=auth(keys["check"])).get_json()
    assert "crisis" not in calm


def test_where_allowed_publishing_during_a_crisis_needs_a_reason_of_the_stated_length(crisis_off, keys, crisis_overrides):
    client = crisis_off
    body = held_check(client, keys)
    assert body["crisis"] == {"publish_anyway": True, "reason_min_chars": 20}
    override = {"check_id": body["check_id"], "rules": ["crisis/publishing-paused"], "reason": "ok"}
    short = client.post("/v1/overrides", json=override, headers=auth(keys["check"]))
    assert short.status_code == 422
    message = short.get_json()["error"]["message"]
    assert "at least 20 characters; this one has 2" in message and "Say who approved it or why it is right" in message
    override["reason"] = "approved by the crisis team, call 14:05"
    assert client.post("/v1/overrides", json=override, headers=auth(keys["check"])).status_code == 201


def test_a_crisis_switched_from_the_shell_names_the_person_or_asks_who(monkeypatch):
    import getpass

    from preflight.errors import InputError
    from preflight.cli.governance import who

    assert who(" comms-lead ") == "comms-lead"
    monkeypatch.setattr(getpass, "getuser", lambda: "alice")
    assert who(None) == "cli:alice"

    def nobody():
        raise OSError("no login name")

    monkeypatch.setattr(getpass, "getuser", nobody)
    with pytest.raises(InputError, match="--by NAME"):
        who(None)
