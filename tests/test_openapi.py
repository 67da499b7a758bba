"""/openapi.json is built from the routes: every API route is in it, with the scope the route enforces."""
from __future__ import annotations

import re

import pytest
from flask import Blueprint, Flask, jsonify
from pydantic import BaseModel

from preflight.storage.models import SCOPES

from .conftest import RULES

# What the hand-written document said before it was generated, operation by operation: (method, path, success
# status, its media types and models, the request body's, the parameters, the error statuses). A route may say more.
BEFORE = [
    ("GET", "/v1/approvals", "200", "application/json=ApprovalsPage", "", "state limit cursor", "401 403 422 429"),
    ("POST", "/v1/approvals", "201", "application/json=ApprovalOut", "application/json=ApprovalRequest", "", "400 401 403 404 413 415 422 429"),
    ("GET", "/v1/approvals/{approval_id}", "200", "application/json=ApprovalOut", "", "approval_id", "401 403 404 429"),
    ("POST", "/v1/approvals/{approval_id}/decision", "200", "application/json=ApprovalOut", "application/json=DecisionRequest", "approval_id", "400 401 403 404 409 410 415 422 429"),
    ("POST", "/v1/check", "200", "application/json=CheckResponse", "application/json=CheckRequest multipart/form-data=object", "", "400 401 403 404 413 415 422 429"),
    ("POST", "/v1/check/batch", "200", "application/json=BatchResponse", "application/json=BatchRequest", "", "400 401 403 413 415 422 429"),
    ("GET", "/v1/crisis", "200", "application/json=CrisisOut", "", "", "401 403 429"),
    ("PUT", "/v1/crisis", "200", "application/json=CrisisOut", "application/json=CrisisRequest", "", "400 401 403 409 415 422 429"),
    ("PUT", "/v1/crisis/team", "200", "application/json=CrisisOut", "application/json=CrisisTeamRequest", "", "400 401 403 415 422 429"),
    ("GET", "/v1/events", "200", "application/json=EventsResponse", "", "", "401 403 429"),
    ("POST", "/v1/events", "201", "application/json=EventResponse", "application/json=EventRequest", "", "400 401 403 409 415 422 429"),
    ("DELETE", "/v1/events/{event_id}", "200", "application/json=EventResponse", "", "event_id", "401 403 404 429"),
    ("GET", "/v1/images/references", "200", "application/json=ReferencesResponse", "", "status label limit offset", "401 403 422 429"),
    ("POST", "/v1/images/references", "201", "application/json=ReferenceOut", "multipart/form-data=object", "", "401 403 409 413 415 422 429"),
    ("DELETE", "/v1/images/references/{ref_id}", "204", "", "", "ref_id", "401 403 404 429"),
    ("GET", "/v1/images/references/{ref_id}", "200", "application/json=ReferenceOut", "", "ref_id", "401 403 404 429"),
    ("PATCH", "/v1/images/references/{ref_id}", "200", "application/json=ReferenceOut", "application/json=ReferencePatch", "ref_id", "400 401 403 404 415 422 429"),
    ("GET", "/v1/images/references/{ref_id}/thumbnail", "200", "image/jpeg=string", "", "ref_id", "401 403 404 429"),
    ("GET", "/v1/overrides", "200", "application/json=OverridesPage text/csv=string", "", "rule pack key since until limit offset format", "401 403 422 429"),
    ("POST", "/v1/overrides", "201", "application/json=OverrideResponse", "application/json=OverrideRequest", "", "400 401 403 404 415 422 429"),
    ("GET", "/v1/packs", "200", "application/json=PacksResponse", "", "", "401 403 429"),
    ("POST", "/v1/packs/preview", "200", "application/json=PreviewResponse", "application/json=PreviewRequest multipart/form-data=object", "", "400 401 403 413 415 422 429"),
    ("POST", "/v1/packs/reload", "200", "application/json=ReloadResponse", "", "", "401 403 422 429"),
    ("GET", "/v1/packs/{pack_id}", "200", "application/json=PackDetail", "", "pack_id", "401 403 404 429"),
    ("GET", "/v1/profiles", "200", "application/json=ProfilesResponse", "", "", "401 403 429"),
    ("GET", "/v1/reports/approvals", "200", "application/json=ApprovalsReport", "", "since until", "401 403 422 429"),
    ("GET", "/v1/reports/rules", "200", "application/json=RulesReport text/csv=string", "", "since until format", "401 403 422 429"),
    ("GET", "/v1/webhooks/deliveries", "200", "application/json=DeliveriesResponse", "", "limit", "401 403 422 429"),
]


def routed(app: Flask) -> set[tuple[str, str]]:
    """(method, path in OpenAPI spelling) of every /v1 route the app serves."""
    return {(method, re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", rule.rule))
            for rule in app.url_map.iter_rules() if rule.rule.startswith("/v1/")
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def documented(document: dict) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, operations in document["paths"].items() for method in operations}


def named(schema: dict) -> str:
    return schema.get("$ref", "").rpartition("/")[2] or schema["type"]


def media(content: dict) -> str:
    return " ".join(f"{kind}={named(entry['schema'])}" for kind, entry in content.items())


@pytest.fixture(scope="module")
def document(client) -> dict:
    return client.get("/openapi.json").get_json()


@pytest.fixture(scope="module")
def client(api):
    return api.test_client()


def test_every_api_route_is_documented_with_its_methods(api, document):
    assert routed(api) == documented(document)


def test_a_route_without_its_entry_is_missing_from_the_document():
    from preflight.http.auth import require
    from preflight.http.openapi import build_openapi, documented as entry

    class Thing(BaseModel):
        name: str

    bp = Blueprint("things", __name__)

    @bp.post("/v1/things/<int:thing_id>")
    @entry("Rename a thing", Thing, request=Thing)
    @require("admin")
    def rename(thing_id: int):
        return jsonify({"name": str(thing_id)})

    @bp.get("/v1/things")
    def things():
        return jsonify([])

    app = Flask(__name__)
    app.register_blueprint(bp)
    document = build_openapi(app)
    assert routed(app) - documented(document) == {("GET", "/v1/things")}
    operation = document["paths"]["/v1/things/{thing_id}"]["post"]
    assert operation["parameters"] == [{"name": "thing_id", "in": "path", "required": True,
                                        "schema": {"type": "integer", "minimum": 0}}]
    assert set(operation["responses"]) == {"200", "400", "401", "403", "415", "422", "429"}
    assert operation["description"] == "Needs a key with the `admin` scope." and "Thing" in document["components"]["schemas"]


@pytest.mark.parametrize("method,path,status,answer,body,parameters,errors", BEFORE, ids=[f"{m} {p}" for m, p, *_ in BEFORE])
def test_the_document_says_all_it_said_when_it_was_written_by_hand(document, method, path, status, answer, body,
                                                                   parameters, errors):
    operation = document["paths"][path][method.lower()]
    assert media(operation["responses"][status].get("content", {})) == answer
    assert media(operation.get("requestBody", {}).get("content", {})) == body
    assert [p["name"] for p in operation.get("parameters", [])] == parameters.split()
    assert set(errors.split()) <= set(operation["responses"])
    assert all(named(r["content"]["application/json"]["schema"]) == "ErrorResponse"
               for code, r in operation["responses"].items() if code >= "400")


def test_every_model_the_document_names_is_in_it(document):
    text = str(document)
    names = set(re.findall(r"#/components/schemas/(\w+)", text))
    assert names and names <= set(document["components"]["schemas"])


@pytest.fixture(scope="module")
def guarded(tmp_path_factory, checker):
    """An app of its own with a key of every scope: the calls below reload its packs."""
    from preflight.http.app import create_app

    db = tmp_path_factory.mktemp("openapi") / "preflight.db"
    app = create_app({"DATABASE_URL": f"sqlite:///{db}", "RULES_DIR": str(RULES), "RATE_LIMIT": "10000 per second"},
                     checker=checker)
    service = app.extensions["preflight"]
    yield app, {scope: service.store.create_key(f"{scope}-key", scope) for scope in SCOPES}
    service.recorder.flush()
    service.store.dispose()


def concrete(path: str, operation: dict) -> str:
    """The path with each parameter filled in with a value its schema allows."""
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            schema = parameter["schema"]
            value = "1" if schema["type"] == "integer" else "apr_" + "0" * 32 if "pattern" in schema else "missing"
            path = path.replace("{" + parameter["name"] + "}", value)
    return path


def test_each_route_enforces_the_scope_its_entry_names(guarded):
    app, keys = guarded
    client = app.test_client()
    document = client.get("/openapi.json").get_json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            url = concrete(path, operation)
            call = getattr(client, method)
            if "security" not in operation:
                assert call(url).status_code != 401, (method, path)
                continue
            scope = re.fullmatch(r"Needs a key with the `(\w+)` scope\.", operation["description"])[1]
            assert call(url).status_code == 401, (method, path)
            for lower in SCOPES[:SCOPES.index(scope)]:
                refused = call(url, headers={"Authorization": f"Bearer {keys[lower]}"})
                assert (refused.status_code, refused.get_json()["error"]["code"]) == (403, "forbidden"), (method, path, lower)
            allowed = call(url, headers={"Authorization": f"Bearer {keys[scope]}"})
            assert allowed.status_code not in (401, 403), (method, path, scope, allowed.get_json())
