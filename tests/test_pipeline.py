"""One function checks a post: every source's findings go through the profile once, the verdict is decided once,
and the command line gives the report the API gives."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from preflight.cli import main
from preflight.governance.crisis import Crisis
from preflight.governance.events import Event
from preflight.governance.state import GovernanceState, from_database
from preflight.pipeline import Found, Submission, check_post

from .conftest import RULES

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


def auth(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture()
def crisis_on(api, keys):
    client = api.test_client()
    answer = client.put("/v1/crisis", json={"active": True, "message": "product recall", "approved_statements": []},
                        headers=auth(keys["admin"]))
    assert answer.status_code == 200, answer.get_json()
    yield client
    client.put("/v1/crisis", json={"active": False, "message": ""}, headers=auth(keys["admin"]))


def comparable(report: dict) -> dict:
    # `crisis` is the API's override policy for its clients, not part of the check
    return {key: value for key, value in report.items() if key not in ("check_id", "elapsed_ms", "checked_for", "crisis")}


@pytest.mark.parametrize("text", ["Lovely walk in the park today.", "Our cream never fails, guaranteed!"])
def test_the_command_line_gives_the_api_report_during_a_crisis(crisis_on, api, keys, monkeypatch, capsys, text):
    monkeypatch.setenv("PREFLIGHT_DATABASE_URL", api.config["DATABASE_URL"])
    monkeypatch.delenv("LANGUAGETOOL_URL", raising=False)
    http = crisis_on.post("/v1/check", json={"text": text, "language": "en", "platform": "x", "profile": "example"},
                          headers=auth(keys["check"])).get_json()
    code = main(["--rules", str(RULES), "check", text, "--lang", "en", "--platform", "x", "--profile", "example", "--json"])
    cli = json.loads(capsys.readouterr().out)
    assert code == 2 and cli["verdict"] == "block"
    assert "crisis/publishing-paused" in {f["rule"] for f in cli["findings"]}
    assert comparable(cli) == comparable(http)


def test_without_a_database_file_the_command_line_reads_no_state(tmp_path):
    state = from_database(f"sqlite:///{tmp_path / 'absent.db'}")
    assert not state.crisis.active and state.events == []
    assert not (tmp_path / "absent.db").exists()


def governance(active: bool = True) -> GovernanceState:
    state = GovernanceState()
    state.crisis = Crisis(active, "product recall", (), NOW - timedelta(hours=1), "owner")
    state.events = [Event(1, "Storm Ciarán", ("ciarán", "storm ciarán"), NOW - timedelta(days=1), NOW + timedelta(days=1))]
    return state


@pytest.fixture()
def calm_brand(checker, monkeypatch):
    """The example profile, with crisis and live-event findings lowered to information and grammar disabled."""
    brand = checker.ruleset.profiles["example"]
    calm = brand.model_copy(update={"severity_overrides": {"crisis/publishing-paused": "info",
                                                           "sensitive-topics/live-event": "info"},
                                    "disabled_rules": ["grammar"]})
    monkeypatch.setitem(checker.ruleset.profiles, "example", calm)
    return calm


def test_the_profile_overrides_crisis_and_live_event_findings(checker, calm_brand):
    post = Submission("Thinking of everyone facing Storm Ciarán tonight.", "en", profile="example", now=NOW)
    report = check_post(post, checker, [governance()])
    assert {(f.rule, f.severity) for f in report.findings} == {("crisis/publishing-paused", "info"),
                                                               ("sensitive-topics/live-event", "info")}
    assert report.verdict == "pass"


def test_every_source_is_profiled_and_the_verdict_decided_once(checker, calm_brand):
    from preflight.report import Finding

    def source(job):
        return Found([Finding("grammar/spelling", "grammar", "block", "m", None),
                      Finding("crisis/publishing-paused", "crisis", "block", "m", None)],
                     skipped=[{"check": "x", "reason": "r"}], packs=[("x", "1")])

    report = check_post(Submission("Hello there.", "en", profile="example", now=NOW), checker, [source])
    assert [(f.rule, f.severity) for f in report.findings] == [("crisis/publishing-paused", "info")]
    assert report.verdict == "pass" and report.skipped == [{"check": "x", "reason": "r"}] and ("x", "1") in report.packs


def test_without_a_profile_crisis_blocks_and_an_approved_statement_passes(checker):
    state = governance()
    state.crisis = Crisis(True, "product recall", ("We are sorry.",), NOW, "owner")
    assert check_post(Submission("New shoes are in!", "en", now=NOW), checker, [state]).verdict == "block"
    assert check_post(Submission("We are SORRY", "en", now=NOW), checker, [state]).verdict == "pass"
