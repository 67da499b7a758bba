"""The HTTP API as clients use it: contract, keys and scopes, limits and errors."""
from __future__ import annotations

import base64
import json

import pytest

from .conftest import RULES

pytestmark = pytest.mark.usefixtures("api")


def auth(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def test_check_returns_the_engine_report_with_check_id(client, keys):
    response = client.post("/v1/check", json={"text": "Onze schoenen genezen gegarandeerd rugpijn! #gezondheid"}, headers=auth(keys["check"]))
    assert response.status_code == 200
    body = response.get_json()
    assert body["verdict"] == "block" and body["language"] == "nl"
    assert len(body["check_id"]) == 32 and body["skipped"] == []
    cure = next(f for f in body["findings"] if f["rule"] == "misleading-claims/health-claim")
    assert cure["span"] == {"start": 14, "end": 21, "text": "genezen"}


def test_check_is_recorded_without_text_by_default(client, keys, api):
    body = client.post("/v1/check", json={"text": "Our cream never fails.", "language": "en"}, headers=auth(keys["check"])).get_json()
    service = api.extensions["preflight"]
    service.recorder.flush()
    record = service.store.get_check(body["check_id"])
    assert record["verdict"] == "warn"
    assert record["rules"] == ["misleading-claims/absolute-guarantee"]
    assert record["key_name"] == "checker"
    assert record["text"] is None and len(record["text_sha256"]) == 64


def small_png() -> bytes:
    from PIL import Image

    out = __import__("io").BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


def test_multipart_with_images_is_accepted(client, keys):
    data = {"text": "Our cream never fails.", "language": "en", "images": [(__import__("io").BytesIO(small_png()), "a.png")]}
    response = client.post("/v1/check", data=data, headers=auth(keys["check"]), content_type="multipart/form-data")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["images"] == [{"index": 0, "name": "a.png", "format": "PNG", "width": 64, "height": 48, "error": None,
                                               "note": None, "provenance": None}]


def test_batch_keeps_order_and_isolates_bad_items(client, keys):
    items = [{"text": "Our cream never fails.", "language": "en"}, {"text": 5}, {"text": "hi", "language": "fr"},
             {"text": "hello", "profile": "nope"}, {"text": "Onze schoenen genezen rugpijn", "language": "nl"}]
    body = client.post("/v1/check/batch", json={"items": items}, headers=auth(keys["check"])).get_json()
    assert [i["index"] for i in body["items"]] == [0, 1, 2, 3, 4]
    assert body["items"][0]["result"]["verdict"] == "warn"
    assert body["items"][1]["error"]["code"] == "invalid_request"
    assert body["items"][2]["error"]["details"][0]["field"] == "language"
    assert body["items"][3]["error"]["code"] == "unknown_profile"
    assert body["items"][4]["result"]["verdict"] == "block"


@pytest.mark.parametrize(
    "kwargs,status,code",
    [
        ({"data": "{not json", "content_type": "application/json"}, 400, "bad_request"),
        ({"data": "text=hi", "content_type": "text/plain"}, 415, "unsupported_media_type"),
        ({"json": {"text": "hi", "language": "fr"}}, 422, "invalid_request"),
        ({"json": {"text": "hi", "colour": "red"}}, 422, "invalid_request"),
        ({"json": {"text": ["a"]}}, 422, "invalid_request"),
        ({"json": {"text": "hi", "profile": "nope"}}, 422, "unknown_profile"),
        ({"json": {"text": "a" * 100_001}}, 413, "text_too_long"),
        ({"json": {"text": "hi", "images": [{"data": "not base64!"}]}}, 422, "invalid_image"),
        ({"json": {"text": "hi", "images": [{"data": ""}] * 5}}, 413, "too_many_images"),
    ],
)
def test_bad_requests_get_json_errors(client, keys, kwargs, status, code):
    response = client.post("/v1/check", headers=auth(keys["check"]), **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]


def test_body_over_the_limit_is_413_with_the_limit(client, keys):
    response = client.post("/v1/check", data=b"x" * (16 * 2**20 + 1), headers=auth(keys["check"]), content_type="application/json")
    assert response.status_code == 413
    assert "16,777,216 bytes" in response.get_json()["error"]["message"]


def test_keys_and_scopes(client, keys):
    assert client.post("/v1/check", json={"text": "hi"}).status_code == 401
    bad = client.post("/v1/check", json={"text": "hi"}, headers=auth("pf_nope_nope"))
    assert bad.status_code == 401 and bad.get_json()["error"]["code"] == "unauthorized"
    assert client.post("/v1/packs/reload", headers=auth(keys["check"])).status_code == 403
    assert client.post("/v1/packs/reload", headers=auth(keys["admin"])).status_code == 200


def test_revoked_key_stops_working(client, api):
    store = api.extensions["preflight"].store
    key = store.create_key("short-lived", "check")
    assert client.post("/v1/check", json={"text": "hi"}, headers=auth(key)).status_code == 200
    store.revoke_key("short-lived")
    api.extensions["preflight"].keys._entries.clear()  # what KEY_CACHE_SECONDS would do a second later
    assert client.post("/v1/check", json={"text": "hi"}, headers=auth(key)).status_code == 401


def test_unknown_path_and_method_are_json(client, keys):
    missing = client.get("/v1/nothing", headers=auth(keys["check"]))
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    wrong = client.get("/v1/check", headers=auth(keys["check"]))
    assert wrong.status_code == 405 and wrong.get_json()["error"]["code"] == "method_not_allowed"


def test_packs_and_profiles(client, keys):
    packs = client.get("/v1/packs", headers=auth(keys["check"])).get_json()["packs"]
    assert {p["id"] for p in packs} >= {"misleading-claims", "privacy"}
    detail = client.get("/v1/packs/privacy", headers=auth(keys["check"])).get_json()
    assert any(r["id"] == "privacy/phone-number" for r in detail["rule_list"])
    assert client.get("/v1/packs/nope", headers=auth(keys["check"])).status_code == 404
    profiles = client.get("/v1/profiles", headers=auth(keys["check"])).get_json()["profiles"]
    assert profiles[0]["id"] == "example"


def test_reload_of_a_broken_directory_keeps_the_packs(tmp_path, client, keys, api):
    service = api.extensions["preflight"]
    before = service.checker
    service.rules_dir = str(tmp_path)
    (tmp_path / "bad.yaml").write_text("id: bad\ntitle: Bad\nversion: 1\n", encoding="utf-8")
    try:
        response = client.post("/v1/packs/reload", headers=auth(keys["admin"]))
        assert response.status_code == 422
        assert response.get_json()["error"]["details"][0]["problem"].endswith("bad.yaml:3:1: 'version': Input should be a valid string")
        assert service.checker is before
        assert client.post("/v1/check", json={"text": "Our cream never fails.", "language": "en"}, headers=auth(keys["check"])).get_json()["verdict"] == "warn"
    finally:
        service.rules_dir = str(RULES)


def test_rate_limit_answers_429_with_retry_after(limited_client, keys):
    statuses = [limited_client.post("/v1/check", json={"text": "hi"}, headers=auth(keys["check"])).status_code for _ in range(4)]
    assert statuses[:3] == [200, 200, 200] and statuses[3] == 429
    response = limited_client.post("/v1/check", json={"text": "hi"}, headers=auth(keys["check"]))
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) >= 1


def test_health_ready_metrics_openapi_docs(client, keys):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz").get_json()
    assert ready["status"] == "ready" and ready["database"] == "ok"
    client.post("/v1/check", json={"text": "Our cream never fails.", "language": "en"}, headers=auth(keys["check"]))
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'preflight_verdicts_total{verdict="warn"}' in metrics
    assert "preflight_http_request_seconds_bucket" in metrics
    spec = client.get("/openapi.json").get_json()
    assert "CheckRequest" in spec["components"]["schemas"] and "/v1/check" in spec["paths"]
    assert "/v1/check/batch" in client.get("/docs").get_data(as_text=True)


def test_cors_only_for_configured_origins(client, keys):
    allowed = client.get("/healthz", headers={"Origin": "https://scheduler.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://scheduler.example"
    assert "Access-Control-Allow-Origin" not in client.get("/healthz", headers={"Origin": "https://evil.example"}).headers


def test_base64_image_field(client, keys):
    data = base64.b64encode(small_png()).decode()
    response = client.post("/v1/check", json={"text": "hi", "images": [{"data": data, "name": "a.png"}]}, headers=auth(keys["check"]))
    assert response.status_code == 200
    assert json.loads(response.get_data())["images"][0]["format"] == "PNG"
