"""POST /v1/overrides: publishing anyway, with a reason, for rules that fired on a real check."""
from __future__ import annotations

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


@pytest.mark.parametrize("check_id", [uuid.uuid4().hex, "not-a-check-id"])
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


def test_overrides_need_a_key(client):
    response = client.post("/v1/overrides", json={"check_id": uuid.uuid4().hex, "rules": ["a/b"], "reason": "x"})
    assert response.status_code == 401
