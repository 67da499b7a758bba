"""The OpenAPI 3 document, built from the same pydantic models that validate requests."""
from __future__ import annotations

from pydantic.json_schema import models_json_schema

from preflight import __version__
from preflight.http import schemas as s
from preflight.http.openapi_approvals import MODELS as APPROVAL_MODELS, approval_paths
from preflight.http.openapi_governance import MODELS as GOVERNANCE_MODELS, governance_paths
from preflight.http.openapi_images import MODELS as IMAGE_MODELS, image_paths

ERRORS = {
    "400": "Malformed JSON", "401": "Missing or invalid API key", "403": "The key lacks the scope",
    "404": "Not found", "409": "Conflicts with the current state (the message says how)", "413": "Body or text over the limit", "415": "Unsupported content type",
    "422": "The request does not match the schema", "429": "Rate limit reached (see Retry-After)",
}


def _ref(model) -> dict:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _op(summary: str, response, request=None, scope: str | None = "check", errors=("401", "403", "429"), params=None,
        status: str = "200") -> dict:
    op: dict = {"summary": summary, "responses": {status: {"description": "OK", "content": {"application/json": {"schema": _ref(response)}}}}}
    for code in errors:
        op["responses"][code] = {"description": ERRORS[code], "content": {"application/json": {"schema": _ref(s.ErrorResponse)}}}
    if request is not None:
        content = {"application/json": {"schema": _ref(request)}}
        if request is s.CheckRequest:
            content["multipart/form-data"] = {"schema": {"type": "object", "properties": {
                "text": {"type": "string"}, "language": {"type": "string"}, "platform": {"type": "string"},
                "profile": {"type": "string"}, "context": {"type": "string"}, "draft_id": {"type": "string"},
                "images": {"type": "array", "items": {"type": "string", "format": "binary"}},
                "alt": {"type": "array", "items": {"type": "string"},
                        "description": "One per image, in the same order; empty for an image without alt text."}}}}
        op["requestBody"] = {"required": True, "content": content}
    if scope:
        op["security"] = [{"bearer": []}]
        op["description"] = f"Needs a key with the `{scope}` scope."
    if params:
        op["parameters"] = params
    return op


def build_openapi() -> dict:
    models = [s.CheckRequest, s.CheckResponse, s.BatchRequest, s.BatchResponse, s.ErrorResponse, s.PacksResponse,
              s.PackDetail, s.ProfilesResponse, s.ReloadResponse, *IMAGE_MODELS, *GOVERNANCE_MODELS,
              *APPROVAL_MODELS]
    _, defs = models_json_schema([(m, "validation") for m in models], ref_template="#/components/schemas/{model}")
    check_errors = ("400", "401", "403", "413", "415", "422", "429")
    pack_id = [{"name": "pack_id", "in": "path", "required": True, "schema": {"type": "string"}}]
    return {
        "openapi": "3.0.3",
        "info": {"title": "preflight", "version": __version__,
                 "description": "Checks brand social media posts before they are published."},
        "components": {"schemas": defs["$defs"],
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": {
            "/v1/check": {"post": _op("Check one post (404 approval_not_found for an approval_id this key may not use)",
                                      s.CheckResponse, s.CheckRequest, errors=(*check_errors, "404"))},
            "/v1/check/batch": {"post": _op("Check up to MAX_BATCH_ITEMS (100) posts; one bad item does not fail the batch",
                                            s.BatchResponse, s.BatchRequest, errors=check_errors)},
            "/v1/packs": {"get": _op("Packs and versions", s.PacksResponse)},
            "/v1/packs/{pack_id}": {"get": _op("One pack with its rules", s.PackDetail, errors=("401", "403", "404", "429"), params=pack_id)},
            "/v1/profiles": {"get": _op("Brand profiles", s.ProfilesResponse)},
            "/v1/packs/reload": {"post": _op("Validate the rules directory and swap it in atomically", s.ReloadResponse,
                                             scope="admin", errors=("401", "403", "422", "429"))},
            **image_paths(),
            **governance_paths(_op),
            **approval_paths(_op),
        },
    }
