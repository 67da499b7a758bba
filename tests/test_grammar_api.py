"""POST /v1/check with a LanguageTool server: grammar findings in the report, `skipped` when it fails."""
from __future__ import annotations

import pytest

from preflight.grammar import CircuitBreaker, Grammar, LanguageToolClient

from .fakes.languagetool import FakeLanguageTool

pytestmark = pytest.mark.usefixtures("api")


def auth(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture()
def lt(api, monkeypatch):
    """The session's app, its grammar pointed at a fresh LanguageTool-protocol server."""
    with FakeLanguageTool() as server:
        client = LanguageToolClient(server.url, timeout=0.3, breaker=CircuitBreaker(failures=2, cooldown=300))
        monkeypatch.setattr(api.extensions["preflight"], "grammar", Grammar(client))
        yield server
        client.close()


def test_grammar_findings_are_in_the_report(client, keys, lt):
    text = "Das neue Kollektion ist da, besuchen Sie unser Geschaft!"
    body = client.post("/v1/check", json={"text": text, "language": "de"}, headers=auth(keys["check"])).get_json()
    grammar = [f for f in body["findings"] if f["pack"] == "grammar"]
    assert [(f["rule"], f["span"]["text"], f["suggestions"][:1]) for f in grammar] == [
        ("grammar/grammar", "Das neue Kollektion", ["Die neue Kollektion"]), ("grammar/spelling", "Geschaft", ["Geschäft"])]
    assert body["verdict"] == "warn" and body["skipped"] == []
    assert {"id": "grammar", "version": "languagetool-6.4"} in body["packs"]


def test_slow_languagetool_gives_an_answer_with_grammar_skipped(client, keys, lt):
    lt.mode = "slow"
    response = client.post("/v1/check", json={"text": "Our cream never fails.", "language": "en"}, headers=auth(keys["check"]))
    body = response.get_json()
    assert response.status_code == 200 and body["verdict"] == "warn"
    assert body["skipped"] == [{"check": "grammar", "reason": "LanguageTool did not answer within 0.3 s"}]
    assert [f["rule"] for f in body["findings"]] == ["misleading-claims/absolute-guarantee"]


def test_open_breaker_keeps_checks_answering_without_asking(client, keys, lt):
    lt.mode = "html"
    for _ in range(2):
        client.post("/v1/check", json={"text": "Hello there.", "language": "en"}, headers=auth(keys["check"]))
    sent = len(lt.checks)
    lt.mode = "ok"
    items = [{"text": "Come and see our new colection at an unique price.", "language": "en"}] * 3
    body = client.post("/v1/check/batch", json={"items": items}, headers=auth(keys["check"])).get_json()
    assert all("failed 2 times in a row" in i["result"]["skipped"][0]["reason"] for i in body["items"])
    assert len(lt.checks) == sent


def test_the_grammar_rule_is_recorded_in_the_audit_trail(client, keys, lt, api):
    text = "Onze nieuwe colectie is er, kom snel langs!"
    body = client.post("/v1/check", json={"text": text, "language": "nl"}, headers=auth(keys["check"])).get_json()
    service = api.extensions["preflight"]
    service.recorder.flush()
    assert "grammar/spelling" in service.store.get_check(body["check_id"])["rules"]


def test_configuration_builds_the_client():
    grammar = Grammar.from_config({"LANGUAGETOOL_URL": "http://127.0.0.1:8010/", "LANGUAGETOOL_TIMEOUT": "0.2",
                                   "LANGUAGETOOL_FAILURES": "5", "LANGUAGETOOL_COOLDOWN": "10", "LANGUAGETOOL_ENGLISH": "en-US"})
    assert grammar.enabled and grammar.client.timeout == 0.2 and grammar.client.breaker.failures == 5
    assert grammar.client.base == "http://127.0.0.1:8010/v2/" and grammar.variants["en"] == "en-US"
