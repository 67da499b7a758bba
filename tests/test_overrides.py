"""POST /v1/overrides: publishing anyway, with a reason, for rules that fired on a real check."""
from __future__ import annotations

import csv
import io
import json
import uuid

import pytest

pytestmark = pytest.mark.usefixtures("api")
POST = "Our cream never fails."


def auth(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def checked(client, keys, text: str = POST) -> dict:
    response = client.post("/v1/check", json={"text": text, "language": "en"}, headers=auth(keys["check"]))
    assert response.status_code == 200
    return response.get_json()


def test_an_override_right_after_its_check_is_stored_with_who_and_why(client, keys, api):
    check = checked(client, keys)  # the recorder has most likely not written it yet
    body = {"check_id": check["check_id"], "rules": ["misleading-claims/absolute-guarantee"], "reason": "  Approved by legal, ticket 42 "}
    response = client.post("/v1/overrides", json=body, headers=auth(keys["check"]))
    assert response.status_code == 201, response.get_json()
    override = response.get_json()["override"]
    assert override["check_id"] == check["check_id"] and override["rules"] == ["misleading-claims/absolute-guarantee"]
    assert override["reason"] == "Approved by legal, ticket 42" and override["key_name"] == "checker"
    assert len(override["id"]) == 32 and override["created_at"]
    stored = api.extensions["preflight"].governance.store.overrides_of(check["check_id"])
    assert [o["id"] for o in stored] == [override["id"]]


def test_an_override_of_a_check_already_written_is_accepted(client, keys, api):
    check = checked(client, keys)
    api.extensions["preflight"].recorder.flush()
    body = {"check_id": check["check_id"], "rules": ["misleading-claims/absolute-guarantee"], "reason": "reviewed"}
    assert client.post("/v1/overrides", json=body, headers=auth(keys["check"])).status_code == 201


@pytest.mark.parametrize("check_id", [uuid.uuid4().hex, "not-a-check-id"], ids=["well-formed", "malformed"])
def test_an_unknown_check_is_404(client, keys, check_id):
    body = {"check_id": check_id, "rules": ["misleading-claims/absolute-guarantee"], "reason": "because"}
    response = client.post("/v1/overrides", json=body, headers=auth(keys["check"]))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_rules_that_did_not_fire_are_refused_and_named(client, keys, api):
    check = checked(client, keys)
    body = {"check_id": check["check_id"], "rules": ["misleading-claims/absolute-guarantee", "privacy/phone-number"],
            "reason": "because"}
    response = client.post("/v1/overrides", json=body, headers=auth(keys["check"]))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "rules_did_not_fire" and "privacy/phone-number" in error["message"]
    assert "absolute-guarantee" not in error["message"]
    assert api.extensions["preflight"].governance.store.overrides_of(check["check_id"]) == []


@pytest.mark.parametrize("body", [
    {"rules": ["misleading-claims/absolute-guarantee"], "reason": " \n "},
    {"rules": [], "reason": "because"},
    {"rules": ["misleading-claims/absolute-guarantee"]},
    {"rules": "misleading-claims/absolute-guarantee", "reason": "because"},
])
def test_an_empty_reason_or_malformed_request_is_422(client, keys, body):
    check = checked(client, keys)
    response = client.post("/v1/overrides", json={"check_id": check["check_id"], **body}, headers=auth(keys["check"]))
    assert response.status_code == 422
    assert response.get_json()["error"]["details"]


def test_an_empty_reason_is_told_what_a_reason_says(client, keys):
    check = checked(client, keys)
    body = {"check_id": check["check_id"], "rules": ["misleading-claims/absolute-guarantee"], "reason": "  "}
    message = client.post("/v1/overrides", json=body, headers=auth(keys["check"])).get_json()["error"]["message"]
    assert "the reason is empty" in message and "Say who approved it or why it is right" in message


def test_overrides_need_a_key(client):
    response = client.post("/v1/overrides", json={"check_id": uuid.uuid4().hex, "rules": ["a/b"], "reason": "x"})
    assert response.status_code == 401


@pytest.fixture()
def editor_key(api) -> tuple[str, str]:
    """A check key of its own, so that listing by key sees only this test's overrides (the app is shared)."""
    name = f"editor-{uuid.uuid4().hex[:8]}"
    return name, api.extensions["preflight"].store.create_key(name, "check")


def overridden(client, key: str, text: str, rules: list[str], reason: str) -> dict:
    check = checked(client, {"check": key}, text)
    response = client.post("/v1/overrides", json={"check_id": check["check_id"], "rules": rules, "reason": reason}, headers=auth(key))
    assert response.status_code == 201, response.get_json()
    return check


def listed(client, keys, **query) -> dict:
    response = client.get("/v1/overrides", query_string=query, headers=auth(keys["admin"]))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_warning_confirmed_by_the_editor_is_recorded_as_an_override(client, keys, editor_key):
    name, key = editor_key
    check = checked(client, {"check": key})
    warned = sorted({f["rule"] for f in check["findings"] if f["severity"] == "warning"})
    assert check["verdict"] == "warn" and warned
    response = client.post("/v1/overrides", json={"check_id": check["check_id"], "rules": warned, "reason": "confirmed the warning"},
                           headers=auth(key))
    assert response.status_code == 201
    assert [o["rules"] for o in listed(client, keys, key=name)["overrides"]] == [warned]


def test_policy_owners_list_overrides_with_reasons_filtered_by_rule_pack_and_key(client, keys, editor_key):
    name, key = editor_key
    overridden(client, key, POST, ["misleading-claims/absolute-guarantee"], "legal approved the claim")
    overridden(client, key, "Call me on +31 6 1234 5678 today", ["privacy/phone-number"], "it is our shop's public number")
    mine = listed(client, keys, key=name)
    assert mine["total"] == 2 and mine["next_offset"] is None
    newest, oldest = mine["overrides"]
    assert newest["reason"] == "it is our shop's public number" and oldest["reason"] == "legal approved the claim"
    assert oldest["language"] == "en" and oldest["verdict"] in ("warn", "block") and oldest["key_name"] == name
    assert [o["reason"] for o in listed(client, keys, key=name, rule="privacy/phone-number")["overrides"]] == [newest["reason"]]
    assert [o["reason"] for o in listed(client, keys, key=name, pack="misleading-claims")["overrides"]] == [oldest["reason"]]
    # a pack filter is the pack's name, not any prefix of it
    assert listed(client, keys, key=name, pack="misleading")["total"] == 0
    assert listed(client, keys, key=name, since="2020-01-01", until="2020-12-31")["total"] == 0


def test_overrides_are_paginated_and_exported_as_csv(client, keys, editor_key):
    name, key = editor_key
    for n in range(3):
        overridden(client, key, POST, ["misleading-claims/absolute-guarantee"], f"=reason {n}")
    first = listed(client, keys, key=name, limit=2)
    assert (first["total"], len(first["overrides"]), first["next_offset"]) == (3, 2, 2)
    rest = listed(client, keys, key=name, limit=2, offset=first["next_offset"])
    assert len(rest["overrides"]) == 1 and rest["next_offset"] is None
    assert {o["id"] for o in first["overrides"]}.isdisjoint(o["id"] for o in rest["overrides"])
    response = client.get("/v1/overrides", query_string={"key": name, "format": "csv"}, headers=auth(keys["admin"]))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    # a reason that starts like a formula is shown as text in a spreadsheet
    assert [r["reason"] for r in rows] == ["'=reason 2", "'=reason 1", "'=reason 0"]
    assert rows[0]["rules"] == "misleading-claims/absolute-guarantee" and rows[0]["key_name"] == name


@pytest.mark.parametrize("query,field", [({"limit": "201"}, "limit"), ({"limit": "0"}, "limit"), ({"offset": "-1"}, "offset"),
                                         ({"since": "yesterday"}, "since"), ({"format": "xlsx"}, "format"),
                                         ({"since": "2026-02-01", "until": "2026-01-01"}, "since")])
def test_bad_listing_queries_are_422_and_name_the_field(client, keys, query, field):
    response = client.get("/v1/overrides", query_string=query, headers=auth(keys["admin"]))
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["field"] == field


def test_only_admins_read_overrides(client, keys):
    assert client.get("/v1/overrides", headers=auth(keys["check"])).status_code == 403
    assert client.get("/v1/overrides").status_code == 401


def test_the_cli_lists_the_same_overrides_as_a_table_json_or_csv(client, keys, editor_key, api, capsys, monkeypatch):
    from preflight.cli import main

    name, key = editor_key
    overridden(client, key, POST, ["misleading-claims/absolute-guarantee"], "approved by legal,\nticket 42")
    monkeypatch.setenv("PREFLIGHT_DATABASE_URL", api.config["DATABASE_URL"])
    assert main(["overrides", "list", "--key", name]) == 0
    out, err = capsys.readouterr()
    assert out.count("\n") == 1 and "misleading-claims/absolute-guarantee\tapproved by legal, ticket 42" in out
    assert "1-1 of 1 override(s)" in err
    assert main(["overrides", "list", "--key", name, "--json"]) == 0
    assert [o["reason"] for o in json.loads(capsys.readouterr().out)["overrides"]] == ["approved by legal,\nticket 42"]
    assert main(["overrides", "list", "--key", name, "--csv"]) == 0
    assert capsys.readouterr().out.startswith("created_at,key_name,rules,reason,")
    assert main(["overrides", "list", "--limit", "500"]) == 3
    assert "--limit must be from 1 to 200" in capsys.readouterr().err


def test_the_openapi_document_lists_the_listing_and_the_draft_id(client):
    document = client.get("/openapi.json").get_json()
    listing = document["paths"]["/v1/overrides"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"rule", "pack", "key", "since", "until", "limit", "offset", "format"}
    assert "text/csv" in listing["responses"]["200"]["content"] and "403" in listing["responses"]
    draft = document["components"]["schemas"]["CheckRequest"]["properties"]["draft_id"]
    assert "once per draft" in draft["description"]
