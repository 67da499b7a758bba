"""The publication time: calendar rules, crisis mode and live events are evaluated when the post goes out."""
from __future__ import annotations

import csv
import json
from datetime import date, datetime, timedelta, timezone

import pytest

from preflight.cli import main
from preflight.governance.crisis import Crisis
from preflight.pipeline import Submission, check_post, publication_time

from .conftest import RULES, rule_ids

REMEMBRANCE = "sensitive-topics/humour-on-remembrance-day"
PARTY = "Time to party! 🎉"


def auth(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def test_a_date_is_noon_utc_that_day_and_a_time_keeps_its_offset():
    assert publication_time("2026-09-11") == (datetime(2026, 9, 11, 12, tzinfo=timezone.utc), date(2026, 9, 11))
    moment, day = publication_time("2026-09-11T23:30:00+02:00")
    assert day == date(2026, 9, 11) and moment.utcoffset() == timedelta(hours=2)
    assert publication_time("2026-09-11T21:30Z")[0] == datetime(2026, 9, 11, 21, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize("value,says", [("2026-09-11T09:30", "no UTC offset"), ("11/09/2026", "not an ISO 8601 date"),
                                        ("2026-02-30", "not an ISO 8601 date"), ("", "not an ISO 8601 date")])
def test_bad_times_say_how_to_write_one(value, says):
    with pytest.raises(ValueError, match=says):
        publication_time(value)


def test_calendar_rules_follow_the_publication_day(checker):
    on_the_day = check_post(Submission(PARTY, "en", today=date(2026, 9, 11)), checker)
    day_after = check_post(Submission(PARTY, "en", today=date(2026, 9, 12)), checker)
    assert REMEMBRANCE in rule_ids(on_the_day) and REMEMBRANCE not in rule_ids(day_after)
    assert on_the_day.to_dict()["checked_for"] == "2026-09-11T12:00:00+00:00"
    assert check_post(Submission(PARTY, "en"), checker).to_dict()["checked_for"][:4] == str(datetime.now(timezone.utc).year)


def test_the_api_checks_as_of_scheduled_for_and_says_so(client, keys):
    body = client.post("/v1/check", json={"text": PARTY, "language": "en", "scheduled_for": "2026-09-11T08:00:00-04:00"},
                       headers=auth(keys["check"])).get_json()
    assert body["verdict"] == "warn" and REMEMBRANCE in [f["rule"] for f in body["findings"]]
    assert body["checked_for"] == "2026-09-11T08:00:00-04:00"
    later = client.post("/v1/check", json={"text": PARTY, "language": "en", "scheduled_for": "2026-09-12"},
                        headers=auth(keys["check"])).get_json()
    assert later["verdict"] == "pass" and later["checked_for"] == "2026-09-12T12:00:00+00:00"
    form = client.post("/v1/check", data={"text": PARTY, "language": "en", "scheduled_for": "2026-09-11"},
                       content_type="multipart/form-data", headers=auth(keys["check"])).get_json()
    assert form["verdict"] == "warn"


@pytest.mark.parametrize("value", ["2026-09-11T09:30", "next tuesday", "2026-13-01", "9" * 41])
def test_a_bad_scheduled_for_is_422_naming_the_field(client, keys, value):
    response = client.post("/v1/check", json={"text": PARTY, "scheduled_for": value}, headers=auth(keys["check"]))
    assert response.status_code == 422
    assert [d["field"] for d in response.get_json()["error"]["details"]] == ["scheduled_for"]


def test_each_batch_item_has_its_own_publication_time(client, keys):
    items = [{"text": PARTY, "language": "en", "scheduled_for": "2026-09-11"},
             {"text": PARTY, "language": "en", "scheduled_for": "2026-10-11"},
             {"text": PARTY, "scheduled_for": "tomorrow"}]
    body = client.post("/v1/check/batch", json={"items": items}, headers=auth(keys["check"])).get_json()["items"]
    assert body[0]["result"]["verdict"] == "warn" and body[1]["result"]["verdict"] == "pass"
    assert body[2]["error"]["details"][0]["field"] == "scheduled_for"


def test_the_openapi_document_lists_the_publication_time(client):
    schemas = client.get("/openapi.json").get_json()["components"]["schemas"]
    assert "scheduled_for" in schemas["CheckRequest"]["properties"]
    assert "checked_for" in schemas["CheckResponse"]["properties"]


def test_crisis_mode_holds_a_post_scheduled_for_later_and_says_to_check_again():
    since = datetime.now(timezone.utc) - timedelta(hours=1)
    crisis = Crisis(True, "outage", (), since, "owner")
    later = datetime.now(timezone.utc) + timedelta(days=30)
    held = crisis.finding("Spring sale!", "en", later)
    assert held.severity == "block" and "scheduled for" in held.message and "check it again" in held.message
    assert "scheduled" not in crisis.finding("Spring sale!", "en", datetime.now(timezone.utc)).message
    # A back-dated post went out before the crisis began: nothing held it then.
    assert crisis.finding("Spring sale!", "en", since - timedelta(days=1)) is None


def test_the_cli_checks_at_a_time(capsys):
    code = main(["--rules", str(RULES), "check", PARTY, "--lang", "en", "--at", "2026-09-11", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and REMEMBRANCE in [f["rule"] for f in report["findings"]]
    assert main(["--rules", str(RULES), "check", PARTY, "--lang", "en", "--at", "11 Sept"]) == 3
    assert "--at: '11 Sept' is not an ISO 8601 date" in capsys.readouterr().err


@pytest.mark.parametrize("fmt,key", [("jsonl", "date"), ("csv", "scheduled_for")])
def test_a_scan_checks_each_post_as_of_its_own_date(tmp_path, capsys, fmt, key):
    posts = [{"id": "on", "text": PARTY, "language": "en", key: "2026-09-11"},
             {"id": "off", "text": PARTY, "language": "en", key: "2026-10-11"},
             {"id": "bad", "text": PARTY, "language": "en", key: "2026-09-31"}]
    source = tmp_path / f"posts.{fmt}"
    if fmt == "jsonl":
        source.write_text("".join(json.dumps(p) + "\n" for p in posts), encoding="utf-8")
    else:
        with source.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, ["id", "text", "language", key])
            writer.writeheader()
            writer.writerows(posts)
    out = tmp_path / "out.jsonl"
    assert main(["--rules", str(RULES), "scan", str(source), "--out", str(out), "--jobs", "1"]) == 0
    lines = {line["id"]: line for line in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert lines["on"]["report"]["verdict"] == "warn" and lines["on"]["report"]["checked_for"].startswith("2026-09-11")
    assert lines["off"]["report"]["verdict"] == "pass"
    assert lines["bad"]["error"].startswith(f"{key}: '2026-09-31' is not an ISO 8601 date")
