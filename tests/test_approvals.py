"""Approval before publishing: requests, four eyes, binding to the exact post, expiry, policies, crisis team, CLI."""
from __future__ import annotations

import base64
import json
import textwrap
from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from preflight.checker import Checker
from preflight.cli import main
from preflight.storage import Store
from preflight.storage.approvals import Approvals
from preflight.storage.governance import Governance
from preflight.storage.models import ApprovalRow, KeyRow

from .image_samples import encode
from .test_storage import database_url  # noqa: F401 - the SQLite / PostgreSQL fixture

PACK = """
id: tiny
title: Tiny
version: 1.0.0
rules:
  - id: guarantee
    severity: warning
    message: {en: "“{match}” promises too much."}
    match:
      phrase: {en: [never fails]}
    examples:
      match: {en: ["it never fails"]}
      no_match: {en: ["it works"]}
  - id: soft
    severity: warning
    message: {en: "“{match}” is vague."}
    match:
      phrase: {en: [kind of]}
    examples:
      match: {en: ["kind of good"]}
      no_match: {en: ["good"]}
  - id: secret
    severity: block
    message: {en: "“{match}” is confidential."}
    match:
      phrase: {en: [project falcon]}
    examples:
      match: {en: ["meet project falcon"]}
      no_match: {en: ["meet the falcon"]}
"""
STRICT = """
id: strict
name: Strict Bank
approval_required: warn
approval_rules: {tiny/soft: never}
approvers: 2
"""
RELAXED = """
id: relaxed
name: Relaxed Shop
approval_required: block
"""
POST = "Our cream never fails, ask us."


def auth(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="module")
def app(tmp_path_factory, analyzer):
    from preflight.http.app import create_app

    rules = tmp_path_factory.mktemp("rules")
    (rules / "tiny.yaml").write_text(textwrap.dedent(PACK).lstrip(), encoding="utf-8")
    (rules / "profiles").mkdir()
    (rules / "profiles" / "strict.yaml").write_text(STRICT.lstrip(), encoding="utf-8")
    (rules / "profiles" / "relaxed.yaml").write_text(RELAXED.lstrip(), encoding="utf-8")
    db = tmp_path_factory.mktemp("approvals") / "preflight.db"
    checker = Checker.from_directory(rules, analyzer=analyzer)
    app = create_app({"DATABASE_URL": f"sqlite:///{db}", "RULES_DIR": str(rules), "RATE_LIMIT": "10000 per second",
                      "STORE_TEXT": True}, checker=checker)
    yield app
    app.extensions["preflight"].recorder.flush()


@pytest.fixture(scope="module")
def keys(app) -> dict:
    store = app.extensions["preflight"].store
    return {name: store.create_key(name, scope) for name, scope in (
        ("editor", "check"), ("other-editor", "check"), ("lead", "approve"), ("legal", "approve"), ("owner", "admin"),
        ("crisis-desk", "approve"))}


@pytest.fixture()
def client(app):
    return app.test_client()


def requested(client, keys, text: str = POST, by: str = "editor", **extra) -> dict:
    submission = {"text": text, "language": "en", **extra.pop("submission", {})}
    response = client.post("/v1/approvals", json={"submission": submission, **extra}, headers=auth(keys[by]))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def decided(client, keys, approval_id: str, by: str, decision: str = "approve", status: int = 200, **extra) -> dict:
    response = client.post(f"/v1/approvals/{approval_id}/decision", json={"decision": decision, **extra}, headers=auth(keys[by]))
    assert response.status_code == status, response.get_json()
    return response.get_json()


def checked(client, keys, text: str, approval_id: str | None = None, by: str = "editor", **extra) -> dict:
    body = {"text": text, "language": "en", **extra, **({"approval_id": approval_id} if approval_id else {})}
    response = client.post("/v1/check", json=body, headers=auth(keys[by]))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def error(response, status: int) -> dict:
    assert response.status_code == status, response.get_json()
    return response.get_json()["error"]


def test_a_request_holds_the_exact_post_its_findings_and_who_asked(client, keys):
    approval = requested(client, keys, note="Legal signed this off, ticket 42", expires_in_hours=2)
    assert approval["id"].startswith("apr_") and approval["state"] == "pending"
    assert approval["text"] == POST and approval["verdict"] == "warn" and approval["requested_by"] == "editor"
    assert [f["rule"] for f in approval["findings"]] == ["tiny/guarantee"]
    assert approval["note"] == "Legal signed this off, ticket 42" and approval["decisions"] == []
    hours = (datetime.fromisoformat(approval["expires_at"]) - datetime.fromisoformat(approval["requested_at"])) / timedelta(hours=1)
    assert hours == 2
    listed = client.get("/v1/approvals?state=pending", headers=auth(keys["lead"])).get_json()["approvals"]
    assert approval["id"] in [a["id"] for a in listed]


def test_four_eyes_the_requester_cannot_approve_their_own_request(client, keys):
    approval = requested(client, keys, by="lead")
    refused = error(client.post(f"/v1/approvals/{approval['id']}/decision", json={"decision": "approve"},
                                headers=auth(keys["lead"])), 403)
    assert refused["code"] == "own_request"
    assert decided(client, keys, approval["id"], "legal")["state"] == "approved"


def test_an_editor_key_cannot_decide_nor_list(client, keys):
    approval = requested(client, keys)
    assert error(client.post(f"/v1/approvals/{approval['id']}/decision", json={"decision": "approve"},
                             headers=auth(keys["editor"])), 403)["code"] == "forbidden"
    assert error(client.get("/v1/approvals", headers=auth(keys["editor"])), 403)["code"] == "forbidden"


def test_the_approval_lets_out_only_the_exact_text_a_changed_comma_needs_a_new_one(client, keys):
    approval = requested(client, keys)
    decided(client, keys, approval["id"], "lead", comment="ok for the spring campaign")
    same = checked(client, keys, POST, approval["id"])
    assert same["verdict"] == "warn"  # the findings stay; the approval says it may go out
    assert same["approval"]["matches"] is True and same["approval"]["approved_by"] == ["lead"]
    assert same["approval"]["comment"] == "ok for the spring campaign" and same["approval"]["reason"] is None
    edited = checked(client, keys, POST.replace(",", ""), approval["id"])
    assert edited["approval"]["matches"] is False and edited["approval"]["reason"] == "text_changed"
    other_platform = checked(client, keys, POST, approval["id"], platform="linkedin")
    assert other_platform["approval"]["reason"] == "platform_changed"


def test_an_added_image_is_not_approved(client, keys):
    image = base64.b64encode(encode(Image.new("RGB", (96, 64), (40, 90, 160)))).decode("ascii")
    approval = requested(client, keys, submission={"images": [{"data": image}]})
    assert len(approval["image_hashes"]) == 1
    decided(client, keys, approval["id"], "lead")
    with_image = checked(client, keys, POST, approval["id"], images=[{"data": image}])
    assert with_image["approval"]["matches"] is True
    without = checked(client, keys, POST, approval["id"])
    assert without["approval"]["reason"] == "images_changed"


def test_a_pending_or_rejected_approval_does_not_match_and_says_why(client, keys):
    approval = requested(client, keys)
    assert checked(client, keys, POST, approval["id"])["approval"]["reason"] == "pending"
    rejected = decided(client, keys, approval["id"], "lead", "reject", comment="not before the recall is over")
    assert rejected["state"] == "rejected" and rejected["decisions"][0]["comment"] == "not before the recall is over"
    binding = checked(client, keys, POST, approval["id"])["approval"]
    assert binding["matches"] is False and binding["reason"] == "rejected" and binding["comment"] == "not before the recall is over"
    again = error(client.post(f"/v1/approvals/{approval['id']}/decision", json={"decision": "approve"},
                              headers=auth(keys["legal"])), 409)
    assert again["code"] == "already_decided"


def test_an_expired_request_cannot_be_decided_nor_used(client, keys, app):
    approval = requested(client, keys)
    past = datetime.now(timezone.utc) - timedelta(minutes=1)
    with app.extensions["preflight"].store._sessions.begin() as session:
        session.execute(update(ApprovalRow).where(ApprovalRow.id == approval["id"]).values(expires_at=past))
    shown = client.get(f"/v1/approvals/{approval['id']}", headers=auth(keys["editor"])).get_json()
    assert shown["state"] == "expired"
    assert error(client.post(f"/v1/approvals/{approval['id']}/decision", json={"decision": "approve"},
                             headers=auth(keys["lead"])), 410)["code"] == "expired"
    assert checked(client, keys, POST, approval["id"])["approval"]["reason"] == "expired"
    expired = client.get("/v1/approvals?state=expired", headers=auth(keys["lead"])).get_json()["approvals"]
    assert approval["id"] in [a["id"] for a in expired]


def test_an_approval_used_after_its_deadline_has_expired(client, keys, app):
    approval = requested(client, keys)
    decided(client, keys, approval["id"], "lead")
    with app.extensions["preflight"].store._sessions.begin() as session:
        session.execute(update(ApprovalRow).where(ApprovalRow.id == approval["id"])
                        .values(expires_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
    binding = checked(client, keys, POST, approval["id"])["approval"]
    assert binding["state"] == "expired" and binding["matches"] is False and binding["reason"] == "expired"


def test_the_profile_policy_says_which_verdicts_need_an_approval(client, keys):
    assert checked(client, keys, POST, profile="strict")["approval_required"] is True  # warn, and strict asks from warn
    assert checked(client, keys, "It is kind of nice.", profile="strict")["approval_required"] is False  # rule: never
    assert checked(client, keys, POST, profile="relaxed")["approval_required"] is False  # relaxed asks only for block
    assert checked(client, keys, "Meet project falcon.", profile="relaxed")["approval_required"] is True
    assert checked(client, keys, POST)["approval_required"] is False  # no profile, no policy


def test_a_profile_needing_two_approvers_stays_pending_after_the_first(client, keys):
    approval = requested(client, keys, submission={"profile": "strict"})
    assert approval["approvers_needed"] == 2
    first = decided(client, keys, approval["id"], "lead")
    assert first["state"] == "pending" and [d["by"] for d in first["decisions"]] == ["lead"]
    assert checked(client, keys, POST, approval["id"], profile="strict")["approval"]["reason"] == "pending"
    twice = error(client.post(f"/v1/approvals/{approval['id']}/decision", json={"decision": "approve"},
                              headers=auth(keys["lead"])), 409)
    assert twice["code"] == "already_decided"
    second = decided(client, keys, approval["id"], "legal")
    assert second["state"] == "approved" and [d["by"] for d in second["decisions"]] == ["lead", "legal"]
    binding = checked(client, keys, POST, approval["id"], profile="strict")["approval"]
    assert binding["matches"] is True and binding["approved_by"] == ["lead", "legal"]
    assert checked(client, keys, POST, approval["id"])["approval"]["reason"] == "profile_changed"


def test_an_approver_may_edit_the_text_which_is_checked_again(client, keys):
    approval = requested(client, keys)
    blocked = error(client.post(f"/v1/approvals/{approval['id']}/decision",
                                json={"decision": "approve", "text": "Meet project falcon."}, headers=auth(keys["lead"])), 422)
    assert blocked["code"] == "edited_text_blocked"
    assert [f["rule"] for f in blocked["details"][0]["findings"]] == ["tiny/secret"]
    fixed = "Our cream works for most skin types, ask us."
    approved = decided(client, keys, approval["id"], "lead", text=fixed)
    assert approved["state"] == "approved" and approved["text"] == fixed and approved["findings"] == []
    assert checked(client, keys, fixed, approval["id"])["approval"]["matches"] is True
    assert checked(client, keys, POST, approval["id"])["approval"]["reason"] == "text_changed"


def test_another_editor_cannot_see_or_use_a_request(client, keys):
    approval = requested(client, keys)
    assert error(client.get(f"/v1/approvals/{approval['id']}", headers=auth(keys["other-editor"])), 404)["code"] == "approval_not_found"
    refused = client.post("/v1/check", json={"text": POST, "language": "en", "approval_id": approval["id"]},
                          headers=auth(keys["other-editor"]))
    assert error(refused, 404)["code"] == "approval_not_found"
    assert client.get(f"/v1/approvals/{approval['id']}", headers=auth(keys["editor"])).status_code == 200


def test_a_request_by_check_id_approves_that_check(client, keys):
    check = checked(client, keys, POST)
    response = client.post("/v1/approvals", json={"check_id": check["check_id"]}, headers=auth(keys["editor"]))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["text"] == POST
    someone_elses = client.post("/v1/approvals", json={"check_id": check["check_id"]}, headers=auth(keys["other-editor"]))
    assert error(someone_elses, 404)["code"] == "check_not_found"


@pytest.mark.parametrize("body,status,code", [
    ({}, 422, "invalid_request"),
    ({"check_id": "0" * 32, "submission": {"text": POST}}, 422, "invalid_request"),
    ({"check_id": "0" * 32}, 404, "check_not_found"),
    ({"submission": {"text": "A plain post.", "language": "en"}}, 422, "nothing_to_approve"),
    ({"submission": {"text": POST}, "note": "x" * 1001}, 422, "invalid_request"),
    ({"submission": {"text": POST}, "expires_in_hours": 169}, 422, "invalid_request"),
    ({"submission": {"text": POST, "language": "xx"}}, 422, "invalid_request"),
    ({"submission": {"text": POST}, "surprise": 1}, 422, "invalid_request"),
])
def test_bad_requests_are_json_errors(client, keys, body, status, code):
    assert error(client.post("/v1/approvals", json=body, headers=auth(keys["editor"])), status)["code"] == code


def test_bad_decisions_and_listings_are_json_errors(client, keys):
    approval = requested(client, keys)
    path = f"/v1/approvals/{approval['id']}/decision"
    assert error(client.post(path, json={"decision": "maybe"}, headers=auth(keys["lead"])), 422)["code"] == "invalid_request"
    assert error(client.post(path, data="approve", headers=auth(keys["lead"])), 415)["code"] == "unsupported_media_type"
    assert error(client.post("/v1/approvals/apr_nope/decision", json={"decision": "approve"}, headers=auth(keys["lead"])),
                 404)["code"] == "approval_not_found"
    assert error(client.get("/v1/approvals?state=lost", headers=auth(keys["lead"])), 422)["code"] == "invalid_request"
    assert error(client.get("/v1/approvals?cursor=%25%25", headers=auth(keys["lead"])), 422)["code"] == "invalid_request"
    assert error(client.get("/v1/approvals?limit=0", headers=auth(keys["lead"])), 422)["code"] == "invalid_request"
    unknown = client.post("/v1/check", json={"text": POST, "approval_id": "apr_" + "0" * 32}, headers=auth(keys["editor"]))
    assert error(unknown, 404)["code"] == "approval_not_found"


def test_the_listing_pages_newest_first(client, keys):
    made = [requested(client, keys, text=f"{POST} Page {n}.")["id"] for n in range(3)]
    first = client.get("/v1/approvals?limit=2", headers=auth(keys["lead"])).get_json()
    second = client.get(f"/v1/approvals?limit=2&cursor={first['next_cursor']}", headers=auth(keys["lead"])).get_json()
    seen = [a["id"] for a in first["approvals"] + second["approvals"]]
    assert seen[:3] == made[::-1] and len(set(seen)) == len(seen)


def test_during_a_crisis_only_a_crisis_team_approval_lets_a_post_out(client, keys, app):
    owner = auth(keys["owner"])
    assert client.put("/v1/crisis/team", json={"keys": ["crisis-desk"]}, headers=owner).get_json()["team"] == ["crisis-desk"]
    crisis = {"active": True, "message": "Product recall", "approved_statements": ["We are recalling batch 12."]}
    assert client.put("/v1/crisis", json=crisis, headers=owner).status_code == 200
    try:
        text = "Our stores open as usual tomorrow."
        held = checked(client, keys, text)
        assert held["verdict"] == "block"
        approval = requested(client, keys, text=text)
        assert approval["crisis"] is True
        assert error(client.post(f"/v1/approvals/{approval['id']}/decision", json={"decision": "approve"},
                                 headers=auth(keys["lead"])), 403)["code"] == "not_crisis_team"
        decided(client, keys, approval["id"], "crisis-desk", add_to_statements=True)
        binding = checked(client, keys, text, approval["id"])["approval"]
        assert binding["matches"] is True and binding["approved_by"] == ["crisis-desk"]
        statements = client.get("/v1/crisis", headers=owner).get_json()["approved_statements"]
        assert statements == ["We are recalling batch 12.", text]
        assert checked(client, keys, text)["verdict"] == "pass"  # now an approved statement itself
        earlier = requested(client, keys, text="Nothing changes for you.")
        client.put("/v1/crisis/team", json={"keys": []}, headers=owner)
        assert error(client.post(f"/v1/approvals/{earlier['id']}/decision", json={"decision": "approve"},
                                 headers=auth(keys["crisis-desk"])), 403)["code"] == "not_crisis_team"
    finally:
        client.put("/v1/crisis", json={"active": False}, headers=owner)


def test_an_approval_made_before_a_crisis_needs_the_crisis_team_during_it(client, keys):
    owner = auth(keys["owner"])
    approval = requested(client, keys)
    decided(client, keys, approval["id"], "lead")
    client.put("/v1/crisis/team", json={"keys": ["crisis-desk"]}, headers=owner)
    client.put("/v1/crisis", json={"active": True, "message": "Outage"}, headers=owner)
    try:
        assert checked(client, keys, POST, approval["id"])["approval"]["reason"] == "crisis_team_needed"
    finally:
        client.put("/v1/crisis", json={"active": False}, headers=owner)
    assert checked(client, keys, POST, approval["id"])["approval"]["matches"] is True


def test_requests_and_decisions_are_in_the_audit_trail_without_the_text(client, keys, app):
    approval = requested(client, keys)
    decided(client, keys, approval["id"], "legal", comment="fine")
    trail = [e for e in app.extensions["preflight"].governance.store.audit_trail()
             if e["details"].get("approval_id") == approval["id"]]
    assert [(e["action"], e["by"]) for e in trail] == [("approval.request", "editor"), ("approval.decision", "legal")]
    store = app.extensions["preflight"].store
    assert {e["details"]["text_sha256"] for e in trail} == {store.text_hash(POST)}
    assert trail[0]["details"]["rules"] == ["tiny/guarantee"] and trail[1]["details"]["decision"] == "approve"
    assert POST not in json.dumps([e["details"] for e in trail])


def test_the_approvals_report_counts_states_and_rates_per_rule(client, keys):
    owner = auth(keys["owner"])
    before = client.get("/v1/reports/approvals", headers=owner).get_json()
    approved, rejected = requested(client, keys), requested(client, keys)
    decided(client, keys, approved["id"], "lead")
    decided(client, keys, rejected["id"], "lead", "reject")
    report = client.get("/v1/reports/approvals", headers=owner).get_json()
    assert report["states"]["approved"] == before["states"]["approved"] + 1
    assert report["states"]["rejected"] == before["states"]["rejected"] + 1
    rule = next(r for r in report["rules"] if r["rule"] == "tiny/guarantee")
    assert rule["approved"] + rule["rejected"] <= rule["requested"]
    assert rule["approval_rate"] == round(rule["approved"] / (rule["approved"] + rule["rejected"]), 4)
    assert report["median_hours_to_decision"] is not None and report["median_hours_to_decision"] >= 0
    assert client.get("/v1/reports/approvals", headers=auth(keys["lead"])).status_code == 403


def test_the_command_line_lists_and_decides_as_a_named_key(client, keys, app, monkeypatch, capsys):
    monkeypatch.setenv("PREFLIGHT_DATABASE_URL", app.config["DATABASE_URL"])
    approval = requested(client, keys, by="lead")
    assert main(["approvals", "list", "--state", "pending"]) == 0
    assert approval["id"] in capsys.readouterr().out
    assert main(["approvals", "approve", approval["id"], "--as", "lead"]) == 3
    assert "four eyes" in capsys.readouterr().err
    assert main(["approvals", "approve", approval["id"], "--as", "editor"]) == 3
    assert "approve or admin scope" in capsys.readouterr().err
    assert main(["approvals", "approve", approval["id"], "--as", "legal", "--comment", "checked"]) == 0
    assert f"{approval['id']} is approved" in capsys.readouterr().out
    assert main(["approvals", "show", approval["id"]]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["decisions"][0]["by"] == "legal" and shown["decisions"][0]["comment"] == "checked"
    assert checked(client, keys, POST, approval["id"], by="lead")["approval"]["matches"] is True


def test_the_command_line_names_the_crisis_team(app, monkeypatch, capsys):
    monkeypatch.setenv("PREFLIGHT_DATABASE_URL", app.config["DATABASE_URL"])
    assert main(["crisis", "team", "add", "crisis-desk", "comms-lead", "--by", "tester"]) == 0
    assert main(["crisis", "team", "remove", "comms-lead", "--by", "tester"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "crisis-desk"
    assert app.extensions["preflight"].governance.store.crisis().team == ("crisis-desk",)


def test_keys_with_the_approve_scope_can_be_created_from_the_command_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PREFLIGHT_DATABASE_URL", f"sqlite:///{tmp_path / 'keys.db'}")
    assert main(["keys", "create", "--name", "comms", "--scope", "approve"]) == 0
    assert main(["keys", "list"]) == 0
    assert "approve" in capsys.readouterr().out


def test_storage_two_approvers_expiry_and_purge(database_url):  # noqa: F811 - SQLite, and PostgreSQL when configured
    store = Store(database_url)
    try:
        approvals = Approvals(store)
        now = datetime.now(timezone.utc)
        fields = {"state": "pending", "text": POST, "language": "en", "platform": None, "profile": None, "context": "post",
                  "image_hashes": [], "findings": [{"rule": "tiny/guarantee"}], "verdict": "warn", "note": "",
                  "requested_by": "editor", "requested_at": now, "expires_at": now + timedelta(hours=1),
                  "approvers_needed": 2, "crisis": False}
        made = approvals.create_approval({**fields, "id": "apr_" + "1" * 32})
        assert approvals.record_decision(made["id"], "lead", "approve", "", now, None)["state"] == "pending"
        assert approvals.record_decision(made["id"], "lead", "approve", "", now, None) is None  # once per approver
        assert approvals.record_decision(made["id"], "legal", "approve", "", now, None)["state"] == "approved"
        late = approvals.create_approval({**fields, "id": "apr_" + "2" * 32, "expires_at": now - timedelta(seconds=1)})
        assert [a["id"] for a in approvals.expire_due(now)] == [late["id"]]
        assert approvals.expire_due(now) == []  # expired once: one webhook
        counts = Governance(store).prune(now + timedelta(seconds=1))
        assert counts["approvals"] == 2 and counts["approval_decisions"] == 2
        assert approvals.approval(made["id"]) is None
    finally:
        store.dispose()


def test_an_editor_cannot_override_what_the_profile_sends_to_an_approver(client, keys):
    strict = checked(client, keys, POST, profile="strict")
    body = {"check_id": strict["check_id"], "rules": ["tiny/guarantee"], "reason": "Approved by legal, ticket 42"}
    assert error(client.post("/v1/overrides", json=body, headers=auth(keys["editor"])), 403)["code"] == "approval_required"
    relaxed = checked(client, keys, POST, profile="relaxed")
    body["check_id"] = relaxed["check_id"]
    assert client.post("/v1/overrides", json=body, headers=auth(keys["editor"])).status_code == 201


def migrate_to(url: str, revision: str, down: bool = False) -> None:
    from alembic import command
    from alembic.config import Config

    from preflight.storage.store import MIGRATIONS, open_engine

    engine = open_engine(url)
    try:
        with engine.begin() as connection:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.set_main_option("path_separator", "os")
            config.attributes["connection"] = connection
            (command.downgrade if down else command.upgrade)(config, revision)
    finally:
        engine.dispose()


def test_the_migration_keeps_existing_keys_and_allows_the_approve_scope(database_url):  # noqa: F811
    migrate_to(database_url, "0006")
    store = Store(database_url)  # brings it to the newest revision
    try:
        assert store.verify_key(store.create_key("lead", "approve")).scope == "approve"
        with pytest.raises(IntegrityError):
            with store._sessions.begin() as session:
                session.execute(update(KeyRow).values(scope="root"))
    finally:
        store.dispose()
    migrate_to(database_url, "0006", down=True)  # approve keys go with the scope; the rest stay usable
    store = Store(database_url)
    try:
        assert [k.name for k in store.list_keys()] == []
        assert store.verify_key(store.create_key("lead-again", "approve")).scope == "approve"
    finally:
        store.dispose()
