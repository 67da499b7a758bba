"""Live sensitive events: mentioned while live, a warning; with a call to action, a block; over by themselves."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from preflight.errors import InputError
from preflight.governance.events import RULE, SELLS_FROM, Event, EventMatcher, new_event, sells_node

NOW = datetime(2026, 10, 29, 12, tzinfo=timezone.utc)
SANDY = Event(1, "Hurricane Sandy", ("sandy", "#sandy", "hurricane sandy", "Zürich flood"), NOW - timedelta(days=1), NOW + timedelta(days=7))


def auth(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="module")
def matcher(checker):
    return EventMatcher([SANDY], checker.ruleset, checker.analyzer)


def found(matcher, text: str, now: datetime = NOW, language: str = "auto") -> list[tuple[str, str]]:
    return [(f.severity, f.span.text) for f in matcher.findings(text, language, "en", None, "post", now)]


@pytest.mark.parametrize("text,span", [
    ("Stay safe during Hurricane Sandy, everyone.", "Hurricane Sandy"),
    ("SANDY is getting closer to the coast.", "SANDY"),
    ("Thinking of everyone hit by #Sandy tonight.", "#Sandy"),
    ("Our thoughts are with everyone in #HurricaneSandy.", "HurricaneSandy"),
    ("The zurich flood has closed our store.", "zurich flood"),
])
def test_a_live_event_is_found_like_pack_terms(matcher, text, span):
    assert found(matcher, text, language="en") == [("warning", span)]


def test_a_post_that_sells_on_a_live_event_is_blocked(matcher):
    assert found(matcher, "Sandy is coming: shop now, free shipping on candles!") == [("block", "Sandy")]
    dutch = matcher.findings("Sandy komt eraan: shop nu met korting!", "auto", "nl", None, "post", NOW)
    assert [(f.rule, f.severity) for f in dutch] == [(RULE, "block")]
    assert "verkoopt" in dutch[0].message


def test_other_words_and_other_times_are_not_the_event(matcher):
    assert found(matcher, "Sandyshoes for the beach.") == []
    assert found(matcher, "Sandy beaches await.", now=SANDY.ends) == []
    assert found(matcher, "Sandy beaches await.", now=SANDY.starts - timedelta(seconds=1)) == []


def test_the_call_to_action_comes_from_the_second_matcher_of_the_newsjacking_rule(checker):
    rule = next((r for r in checker.ruleset.rules if r.id == SELLS_FROM), None)
    assert rule is not None, f"{SELLS_FROM} is gone: live events take 'sells' from it"
    node = sells_node(checker.ruleset)
    assert node is rule.model.match.all[1], "the rule must keep the shape all: [tragedy, call to action]"
    terms = {t for key in ("lemma", "phrase") for child in (node.any or [node]) for t in (getattr(child, key) or {}).get("en", [])}
    assert {"shop now", "discount"} <= terms and "hurricane" not in terms, "the second matcher is not the call to action"


def test_dates_and_terms_are_validated():
    event = new_event(" Storm Ciarán ", ["ciarán", " #StormCiaran ", "ciarán"], "2026-11-01", "2026-11-01", None)
    assert event.name == "Storm Ciarán" and event.terms == ("ciarán", "#StormCiaran")
    assert event.ends - event.starts == timedelta(days=1), "an end date counts to the end of that day"
    with pytest.raises(InputError, match="before it starts") as caught:
        new_event("x", ["x"], "2026-11-02", "2026-11-01", None)
    assert caught.value.field == "ends"
    with pytest.raises(InputError, match="not a date"):
        new_event("x", ["x"], "tomorrow", "2026-11-01", None)
    with pytest.raises(InputError, match="at least one term"):
        new_event("x", [" "], "2026-11-01", "2026-11-02", None)


@pytest.fixture()
def events_cleared(api):
    yield api.test_client()
    state = api.extensions["preflight"].governance
    for event in state.store.events():
        state.store.remove_event(event.id, "tests")
    state.load_events()


def test_events_through_the_api(events_cleared, keys, api):
    client = events_cleared
    today = datetime.now(timezone.utc).date()
    body = {"name": "Hurricane Sandy", "terms": ["sandy", "#sandy", "hurricane sandy"], "starts": str(today - timedelta(days=1)),
            "ends": str(today + timedelta(days=3)), "note": "Landfall expected on the east coast"}
    created = client.post("/v1/events", json=body, headers=auth(keys["admin"]))
    assert created.status_code == 201, created.get_json()
    event = created.get_json()["event"]
    assert event["live"] and event["terms"] == body["terms"]
    assert client.post("/v1/events", json=body, headers=auth(keys["admin"])).status_code == 409
    listed = client.get("/v1/events", headers=auth(keys["admin"])).get_json()["events"]
    assert [e["name"] for e in listed] == ["Hurricane Sandy"]

    check = client.post("/v1/check", json={"text": "Stay dry during #Sandy: 20% discount, shop now!"}, headers=auth(keys["check"])).get_json()
    live = [f for f in check["findings"] if f["rule"] == RULE]
    assert [(f["severity"], f["span"]["text"]) for f in live] == [("block", "#Sandy")]
    assert check["verdict"] == "block" and live[0]["reference"] == body["note"]
    calm = client.post("/v1/check", json={"text": "Thinking of everyone affected by Sandy.", "language": "en"},
                       headers=auth(keys["check"])).get_json()
    assert [(f["rule"], f["severity"]) for f in calm["findings"]] == [(RULE, "warning")] and calm["verdict"] == "warn"

    assert client.delete(f"/v1/events/{event['id']}", headers=auth(keys["admin"])).status_code == 200
    after = client.post("/v1/check", json={"text": "Thinking of everyone affected by Sandy.", "language": "en"},
                        headers=auth(keys["check"])).get_json()
    assert after["findings"] == []
    assert client.delete(f"/v1/events/{event['id']}", headers=auth(keys["admin"])).status_code == 404
    actions = [e["action"] for e in api.extensions["preflight"].governance.store.audit_trail()]
    assert actions[-2:] == ["event.add", "event.remove"]


@pytest.mark.parametrize("change,field", [
    ({"starts": "2026-11-05", "ends": "2026-11-01"}, "ends"),
    ({"starts": "05/11/2026"}, "starts"),
    ({"terms": []}, "terms"),
    ({"terms": ["!!!"]}, "terms"),
])
def test_bad_events_are_422(events_cleared, keys, change, field):
    body = {"name": "Storm", "terms": ["storm"], "starts": "2026-11-01", "ends": "2026-11-03", **change}
    response = events_cleared.post("/v1/events", json=body, headers=auth(keys["admin"]))
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["field"] == field
    assert events_cleared.get("/v1/events", headers=auth(keys["admin"])).get_json()["events"] == []


def test_events_are_for_admins(client, keys):
    assert client.get("/v1/events", headers=auth(keys["check"])).status_code == 403


def test_events_from_the_shell(tmp_path, monkeypatch, capsys):
    from preflight.cli import main

    monkeypatch.setenv("PREFLIGHT_DATABASE_URL", f"sqlite:///{tmp_path / 'events.db'}")
    monkeypatch.setenv("USER", "owner")
    today = datetime.now(timezone.utc).date()
    added = ["events", "add", "Storm Ciarán", "--term", "ciarán", "--term", "#StormCiaran",
             "--starts", str(today), "--ends", str(today + timedelta(days=2))]
    assert main(added) == 0
    assert "added event 1: Storm Ciarán" in capsys.readouterr().out
    assert main(added) == 3 and "already exists" in capsys.readouterr().err
    backwards = ["events", "add", "Flood", "--term", "flood", "--starts", str(today), "--ends", str(today - timedelta(days=1))]
    assert main(backwards) == 3 and "before it starts" in capsys.readouterr().err
    assert main(["events", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 1 and listed[0].startswith("1\tlive\t") and "#StormCiaran" in listed[0]
    assert main(["events", "remove", "1"]) == 0
    assert main(["events", "remove", "1"]) == 3 and "no event with id 1" in capsys.readouterr().err
    assert main(["audit", "log"]) == 0
    log = capsys.readouterr().out
    assert "event.add" in log and "event.remove" in log and "cli:owner" in log


def test_an_event_stored_with_a_lone_surrogate_is_listed_escaped(tmp_path, monkeypatch, capsys):
    from preflight.cli import main

    monkeypatch.setenv("PREFLIGHT_DATABASE_URL", f"sqlite:///{tmp_path / 'events.db'}")
    today = datetime.now(timezone.utc).date()
    # Terms are kept as JSON, which escapes a lone surrogate, so one could be stored before the API refused them.
    assert main(["events", "add", "Storm", "--term", "storm \ud800", "--starts", str(today),
                 "--ends", str(today + timedelta(days=1))]) == 0
    capsys.readouterr()
    assert main(["events", "list"]) == 0
    assert "storm \\ud800" in capsys.readouterr().out
