"""The message being answered: reply rules read `in_reply_to`; it is never logged or stored."""
from __future__ import annotations

import json
import logging

import pytest

from preflight.cli import main
from preflight.errors import PackError
from preflight.packs.load import load_rules

from .conftest import RULES, rule_ids

RULE = "brand-tone/careless-reply-to-distress"
REPLY = "Cheer up 😜 Check out our new collection while you're here!"
GRIEF = "My father died last week and the flowers for his funeral never arrived."
HAPPY = "Got the flowers for my father's birthday, he loved them!"


def auth(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def test_the_same_reply_is_escalated_only_under_bad_news(checker):
    assert RULE in rule_ids(checker.check(REPLY, "en", context="reply", in_reply_to=GRIEF))
    assert checker.check(REPLY, "en", context="reply", in_reply_to=GRIEF).verdict == "block"
    assert RULE not in rule_ids(checker.check(REPLY, "en", context="reply", in_reply_to=HAPPY))
    assert RULE not in rule_ids(checker.check(REPLY, "en", context="reply"))
    # A post is not a reply, whatever it is said to answer.
    assert RULE not in rule_ids(checker.check(REPLY, "en", context="post", in_reply_to=GRIEF))


def test_the_answered_message_is_matched_in_its_own_language_when_asked_to_detect(checker):
    report = checker.check("Kopf hoch 😁", "auto", context="reply",
                           in_reply_to="Mein Vater ist verstorben und die Blumen für die Beerdigung kamen nie an.")
    assert RULE in rule_ids(report)


def test_a_when_in_reply_to_condition_is_validated_where_it_is_written(tmp_path, analyzer):
    (tmp_path / "demo.yaml").write_text(
        "id: demo\ntitle: Demo\nversion: 1.0.0\nrules:\n  - id: r\n    severity: warning\n    message: {en: m}\n"
        "    languages: [en]\n    match: {phrase: {en: [lol]}}\n    when:\n      in_reply_to:\n"
        "        frase: {en: [sad]}\n", encoding="utf-8")
    with pytest.raises(PackError) as exc:
        load_rules(tmp_path, analyzer)
    assert any(str(p).startswith(f"{tmp_path / 'demo.yaml'}:12:") and "Unknown key 'frase'. Did you mean 'phrase'?" in str(p)
               for p in exc.value.problems), exc.value.problems


def test_the_api_escalates_and_never_logs_or_records_the_message(api, client, keys, caplog, monkeypatch):
    recorded = []
    recorder = api.extensions["preflight"].recorder
    monkeypatch.setattr(recorder, "record", recorded.append)
    caplog.set_level(logging.DEBUG)
    body = client.post("/v1/check", json={"text": REPLY, "language": "en", "context": "reply", "in_reply_to": GRIEF},
                       headers=auth(keys["check"])).get_json()
    assert body["verdict"] == "block" and RULE in [f["rule"] for f in body["findings"]]
    assert recorded and "funeral" not in json.dumps(recorded) and "funeral" not in caplog.text
    batch = client.post("/v1/check/batch", json={"items": [{"text": REPLY, "context": "reply", "in_reply_to": GRIEF},
                                                           {"text": REPLY, "context": "reply", "in_reply_to": HAPPY}]},
                        headers=auth(keys["check"])).get_json()["items"]
    assert [item["result"]["verdict"] for item in batch] == ["block", "pass"]


def test_an_answered_message_over_the_limit_is_refused_naming_the_field(api, client, keys):
    limit = int(api.config["MAX_TEXT_CHARS"])
    response = client.post("/v1/check", json={"text": REPLY, "context": "reply", "in_reply_to": "x" * (limit + 1)},
                           headers=auth(keys["check"]))
    assert response.status_code == 422
    assert response.get_json()["error"]["details"] == [{"field": "in_reply_to"}]


def test_the_openapi_document_lists_in_reply_to(client):
    properties = client.get("/openapi.json").get_json()["components"]["schemas"]["CheckRequest"]["properties"]
    assert properties["in_reply_to"]["anyOf"][0]["type"] == "string"


def test_the_cli_and_scan_read_the_answered_message(tmp_path, capsys):
    code = main(["--rules", str(RULES), "check", REPLY, "--lang", "en", "--context", "reply", "--in-reply-to", GRIEF])
    assert code == 2
    capsys.readouterr()
    source = tmp_path / "replies.jsonl"
    source.write_text(json.dumps({"id": "grief", "text": REPLY, "context": "reply", "in_reply_to": GRIEF}) + "\n"
                      + json.dumps({"id": "happy", "text": REPLY, "context": "reply", "in_reply_to": HAPPY}) + "\n",
                      encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["--rules", str(RULES), "scan", str(source), "--out", str(out), "--jobs", "1", "--lang", "en"]) == 0
    lines = {line["id"]: line["report"] for line in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert lines["grief"]["verdict"] == "block" and lines["happy"]["verdict"] == "pass"
