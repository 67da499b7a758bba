"""Rule reports: fired, overridden and the override rate per rule, by pack and language; JSON and CSV."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest

from preflight.governance.reports import report_csv, rule_report

SINCE = datetime(2026, 11, 1, tzinfo=timezone.utc)
UNTIL = datetime(2026, 11, 4, tzinfo=timezone.utc)


def auth(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def at(day: int) -> datetime:
    return datetime(2026, 11, day, 12, tzinfo=timezone.utc)


ROWS = [
    ("a", at(1), "en", "warn", ["misleading-claims/absolute-guarantee"], None),
    ("b", at(1), "nl", "block", ["misleading-claims/absolute-guarantee", "misleading-claims/health-claim"], None),
    ("c", at(3), "en", "warn", ["misleading-claims/absolute-guarantee"], None),
    ("d", at(3), "en", "pass", [], None),
]
GUARANTEE = "misleading-claims/absolute-guarantee"


def test_counts_per_rule_language_pack_and_day():
    report = rule_report(ROWS, {"a": {"misleading-claims/absolute-guarantee"}}, SINCE, UNTIL)
    assert report["checks"] == 4 and report["verdicts"] == {"pass": 1, "warn": 2, "block": 1}
    guarantee, health = report["rules"]
    assert (guarantee["rule"], guarantee["fired"], guarantee["overridden"], guarantee["override_rate"]) == (
        "misleading-claims/absolute-guarantee", 3, 1, 0.3333)
    assert guarantee["languages"] == {"en": {"fired": 2, "overridden": 1, "override_rate": 0.5},
                                      "nl": {"fired": 1, "overridden": 0, "override_rate": 0.0}}
    assert (health["fired"], health["overridden"]) == (1, 0)
    assert report["packs"] == [{"pack": "misleading-claims", "fired": 4, "overridden": 1, "override_rate": 0.25}]
    assert [(d["day"], d["warn"], d["block"], d["pass"]) for d in report["days"]] == [
        ("2026-11-01", 1, 1, 0), ("2026-11-02", 0, 0, 0), ("2026-11-03", 1, 0, 1)]


def test_a_rule_counts_once_per_draft_and_as_overridden_when_any_of_its_checks_was():
    # One post typed in three pauses, the warning overridden on the last check; and one post checked once, not overridden.
    rows = [("a1", at(1), "en", "warn", [GUARANTEE], "draft-1"), ("a2", at(1), "en", "warn", [GUARANTEE], "draft-1"),
            ("a3", at(1), "en", "warn", [GUARANTEE], "draft-1"), ("b", at(2), "en", "warn", [GUARANTEE], None)]
    report = rule_report(rows, {"a3": {GUARANTEE}}, SINCE, UNTIL)
    (entry,) = report["rules"]
    assert (entry["fired"], entry["overridden"], entry["override_rate"]) == (2, 1, 0.5)
    assert report["checks"] == 4  # the checks themselves are all counted
    alone = rule_report(rows[2:3], {"a3": {GUARANTEE}}, SINCE, UNTIL)["rules"][0]
    assert alone["override_rate"] == 1.0


def test_a_draft_counts_in_the_language_of_its_last_check():
    rows = [("a1", at(1), "en", "warn", [GUARANTEE], "d"), ("a2", at(1), "nl", "warn", [GUARANTEE], "d")]
    (entry,) = rule_report(rows, {}, SINCE, UNTIL)["rules"]
    assert entry["fired"] == 1 and list(entry["languages"]) == ["nl"]


def test_csv_has_a_row_per_rule_and_language():
    text = report_csv(rule_report(ROWS, {"a": {"misleading-claims/absolute-guarantee"}}, SINCE, UNTIL))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["rule"], r["language"], r["fired"], r["overridden"], r["override_rate"]) for r in rows] == [
        ("misleading-claims/absolute-guarantee", "en", "2", "1", "0.5000"),
        ("misleading-claims/absolute-guarantee", "nl", "1", "0", "0.0000"),
        ("misleading-claims/health-claim", "nl", "1", "0", "0.0000"),
    ]


def report(client, keys, **query) -> dict:
    response = client.get("/v1/reports/rules", query_string=query, headers=auth(keys["admin"]))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def entry(body: dict, rule: str) -> dict:
    return next((r for r in body["rules"] if r["rule"] == rule), {"fired": 0, "overridden": 0, "languages": {}})


def test_the_api_reports_checks_and_overrides_as_they_happen(client, keys, api):
    service = api.extensions["preflight"]
    rule = "misleading-claims/absolute-guarantee"
    service.recorder.flush()
    before = entry(report(client, keys), rule)
    ids = [client.post("/v1/check", json={"text": "Our cream never fails.", "language": "en"}, headers=auth(keys["check"])).get_json()["check_id"]
           for _ in range(3)]
    override = {"check_id": ids[0], "rules": [rule], "reason": "the claim is true and documented"}
    assert client.post("/v1/overrides", json=override, headers=auth(keys["check"])).status_code == 201
    service.recorder.flush()
    after = report(client, keys)
    now = entry(after, rule)
    assert now["fired"] - before["fired"] == 3 and now["overridden"] - before["overridden"] == 1
    assert now["pack"] == "misleading-claims" and now["languages"]["en"]["fired"] >= 3
    assert after["days"][-1]["day"] == datetime.now(timezone.utc).date().isoformat()

    csv_response = client.get("/v1/reports/rules?format=csv", headers=auth(keys["admin"]))
    assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"
    assert "attachment" in csv_response.headers["Content-Disposition"]
    rows = {(r["rule"], r["language"]): r for r in csv.DictReader(io.StringIO(csv_response.get_data(as_text=True)))}
    assert int(rows[rule, "en"]["fired"]) == now["languages"]["en"]["fired"]

    long_ago = report(client, keys, since="2020-01-01", until="2020-01-31")
    assert long_ago["checks"] == 0 and long_ago["rules"] == [] and len(long_ago["days"]) == 31


@pytest.mark.parametrize("query,field", [({"since": "2026-11-05", "until": "2026-11-01"}, "since"),
                                         ({"since": "last week"}, "since"), ({"format": "xlsx"}, "format")])
def test_bad_report_queries_are_422(client, keys, query, field):
    response = client.get("/v1/reports/rules", query_string=query, headers=auth(keys["admin"]))
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["field"] == field


def test_reports_are_for_admins(client, keys):
    assert client.get("/v1/reports/rules", headers=auth(keys["check"])).status_code == 403


def test_the_day_axis_of_a_long_window_has_only_the_busy_days():
    long = rule_report(ROWS, {}, SINCE - timedelta(days=800), UNTIL)
    assert [d["day"] for d in long["days"]] == ["2026-11-01", "2026-11-03"]


def test_drafts_sent_with_checks_are_counted_once_and_reasons_are_shown_per_rule(client, keys, api):
    service = api.extensions["preflight"]
    rule = "misleading-claims/absolute-guarantee"
    service.recorder.flush()
    before = entry(report(client, keys), rule)
    draft = f"draft-{datetime.now(timezone.utc).timestamp()}"
    ids = [client.post("/v1/check", json={"text": text, "language": "en", "draft_id": draft}, headers=auth(keys["check"])).get_json()["check_id"]
           for text in ("Our cream never", "Our cream never fails", "Our cream never fails.")]
    reason = f"the claim is documented, file {draft}"
    assert client.post("/v1/overrides", json={"check_id": ids[-1], "rules": [rule], "reason": reason},
                       headers=auth(keys["check"])).status_code == 201
    service.recorder.flush()
    now = entry(report(client, keys), rule)
    assert now["fired"] - before["fired"] == 1 and now["overridden"] - before["overridden"] == 1
    assert now["reasons"][0]["reason"] == reason and now["reasons"][0]["key_name"] == "checker"


@pytest.mark.parametrize("draft_id", ["", "x" * 65, "has space", "<script>"])
def test_a_malformed_draft_id_is_422(client, keys, draft_id):
    response = client.post("/v1/check", json={"text": "Hello", "draft_id": draft_id}, headers=auth(keys["check"]))
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["field"] == "draft_id"
