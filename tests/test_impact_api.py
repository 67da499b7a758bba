"""POST /v1/packs/preview: a policy owner's proposed rules replayed over a posts file or the stored audit texts."""
from __future__ import annotations

import io
import json

import pytest

from .test_impact import POSTS, proposed_rules

pytestmark = pytest.mark.usefixtures("api")


def auth(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="module")
def preview_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("preview")
    proposed_rules(root)
    proposed_rules(root / "broken", broken=True)
    return root


@pytest.fixture()
def admin(client, keys, api, preview_root, monkeypatch):
    monkeypatch.setitem(api.config, "PREVIEW_ROOT", str(preview_root))

    def post(**kwargs):
        return client.post("/v1/packs/preview", headers=auth(keys["admin"]), **kwargs)
    return post


def upload(lines: list[str], name: str = "posts.jsonl", **fields) -> dict:
    return {"data": {"posts": (io.BytesIO("\n".join(lines).encode("utf-8")), name), **fields},
            "content_type": "multipart/form-data"}


def test_uploaded_posts_are_replayed(admin):
    lines = [json.dumps(p) for p in POSTS] + ["{broken"]
    response = admin(**upload(lines, rules_dir="proposed"))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["posts"] == 4 and {c["id"] for c in body["changes"]} == {"excited", "shouting", "guarantee"}
    assert body["errors"] == [{"id": "line 5", "error": "line 5: not valid JSON (Expecting property name enclosed in double quotes)"}]
    assert {"rule": "brand-tone/exclamation-overload", "before": 0, "after": 1, "gained": 1, "lost": 0} in body["rules"]


def test_csv_upload_and_default_language(admin):
    lines = ["id,text"] + [f'{p["id"]},"{p["text"]}"' for p in POSTS]
    body = admin(**upload(lines, name="posts.csv", rules_dir="proposed", language="en")).get_json()
    assert body["changed_posts"] == 3


def test_stored_audit_texts_are_replayed_when_text_storage_is_on(admin, client, keys, api, monkeypatch):
    monkeypatch.setitem(api.config, "STORE_TEXT", True)
    ids = {}
    for post in POSTS[:2]:
        checked = client.post("/v1/check", json={"text": post["text"], "language": "en"}, headers=auth(keys["check"])).get_json()
        ids[checked["check_id"]] = post["id"]
    api.extensions["preflight"].recorder.flush()
    body = admin(json={"rules_dir": "proposed", "posts": "audit", "limit": 2}).get_json()
    assert body["posts"] == 2
    assert {ids[c["id"]] for c in body["changes"]} == {"excited", "shouting"}


def test_audit_without_stored_texts_is_a_clear_422(admin):
    response = admin(json={"rules_dir": "proposed", "posts": "audit"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "texts_not_stored" and "PREFLIGHT_STORE_TEXT" in error["message"]


@pytest.mark.parametrize("request_kwargs,status,code", [
    ({"json": {"rules_dir": "broken/proposed", "posts": "audit"}}, 422, "invalid_pack"),
    ({"json": {"rules_dir": "nowhere", "posts": "audit"}}, 422, "invalid_pack"),
    ({"json": {"rules_dir": "../../etc", "posts": "audit"}}, 422, "invalid_request"),
    ({"json": {"rules_dir": "proposed"}}, 422, "invalid_request"),
    ({"json": {"rules_dir": "proposed", "posts": "everything"}}, 422, "invalid_request"),
    ({"json": {"posts": "audit"}}, 422, "invalid_request"),
    ({"json": {"rules_dir": "pro\x00posed", "posts": "audit"}}, 422, "invalid_request"),
])
def test_bad_previews_get_json_errors(admin, api, monkeypatch, request_kwargs, status, code):
    monkeypatch.setitem(api.config, "STORE_TEXT", True)
    response = admin(**request_kwargs)
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"]["code"] == code


def test_a_broken_proposed_pack_lists_file_line_column(admin, preview_root):
    lines = [json.dumps(p) for p in POSTS]
    response = admin(**upload(lines, rules_dir="broken/proposed"))
    problems = [d["problem"] for d in response.get_json()["error"]["details"]]
    assert f"{preview_root / 'broken' / 'proposed' / 'privacy.yaml'}:6:5: Unknown key 'sevrity'. Did you mean 'severity'?" in problems
    assert response.status_code == 422


def test_too_many_posts_is_413(admin, api, monkeypatch):
    monkeypatch.setitem(api.config, "PREVIEW_MAX_POSTS", 3)
    response = admin(**upload([json.dumps(p) for p in POSTS], rules_dir="proposed"))
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "too_many_posts"


def test_preview_needs_an_admin_key(client, keys):
    response = client.post("/v1/packs/preview", json={"rules_dir": "proposed", "posts": "audit"}, headers=auth(keys["check"]))
    assert response.status_code == 403


def test_a_bad_posts_file_is_named_as_uploaded(admin):
    response = admin(**upload(["a,b", "1,2"], name="campaign.csv", rules_dir="proposed"))
    assert response.status_code == 422
    message = response.get_json()["error"]["message"]
    assert message.startswith("campaign.csv: ") and "'text' column" in message
