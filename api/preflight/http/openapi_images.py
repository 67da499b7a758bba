"""The reference-image endpoints in the OpenAPI document (their upload is multipart, so written out here)."""
from __future__ import annotations

from preflight.http import schemas as s

MODELS = [s.ReferenceOut, s.ReferencesResponse, s.ReferencePatch]


def _ref(model) -> dict:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _errors(*codes: str) -> dict:
    described = {"400": "Malformed JSON", "401": "Missing or invalid API key", "403": "The key lacks the admin scope", "404": "No such reference",
                 "409": "The same file is already registered (details name its id)", "413": "The file is over MAX_IMAGE_BYTES or MAX_IMAGE_PIXELS",
                 "415": "Unsupported content type", "422": "The request does not match the schema, or the file is not a usable image",
                 "429": "Rate limit reached (see Retry-After)"}
    return {code: {"description": described[code], "content": {"application/json": {"schema": _ref(s.ErrorResponse)}}}
            for code in codes}


def _ok(model, status: str = "200") -> dict:
    return {status: {"description": "OK", "content": {"application/json": {"schema": _ref(model)}}}}


def _admin(summary: str, responses: dict, **extra) -> dict:
    return {"summary": summary, "description": "Needs a key with the `admin` scope.", "security": [{"bearer": []}],
            "responses": responses, **extra}


def image_paths() -> dict:
    ref_id = [{"name": "ref_id", "in": "path", "required": True,
               "schema": {"type": "integer", "minimum": 0, "maximum": s.REFERENCE_ID_MAX}}]
    upload = {"type": "object", "required": ["file", "label", "source", "status"], "properties": {
        "file": {"type": "string", "format": "binary"}, "label": {"type": "string"}, "source": {"type": "string"},
        "status": {"type": "string", "enum": ["restricted", "licensed"]},
        "license_expires": {"type": "string", "format": "date"}, "notes": {"type": "string"}}}
    listing = [{"name": "status", "in": "query", "schema": {"type": "string", "enum": ["restricted", "licensed"]}},
               {"name": "label", "in": "query", "description": "Part of the label, any case", "schema": {"type": "string"}},
               {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
               {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}}]
    thumbnail = {"200": {"description": "A small JPEG", "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}}}}
    return {
        "/v1/images/references": {
            "post": _admin("Register a reference image (multipart: file, label, source, status, license_expires, notes)",
                           {**_ok(s.ReferenceOut, "201"), **_errors("401", "403", "409", "413", "415", "422", "429")},
                           requestBody={"required": True, "content": {"multipart/form-data": {"schema": upload}}}),
            "get": _admin("Reference images, newest first, filtered by status or label", {**_ok(s.ReferencesResponse), **_errors("401", "403", "422", "429")},
                          parameters=listing),
        },
        "/v1/images/references/{ref_id}": {
            "get": _admin("One reference image", {**_ok(s.ReferenceOut), **_errors("401", "403", "404", "429")}, parameters=ref_id),
            "patch": _admin("Change label, source, status, licence date or notes",
                            {**_ok(s.ReferenceOut), **_errors("400", "401", "403", "404", "415", "422", "429")},
                            parameters=ref_id, requestBody={"required": True, "content": {"application/json": {"schema": _ref(s.ReferencePatch)}}}),
            "delete": _admin("Delete a reference image", {"204": {"description": "Deleted"}, **_errors("401", "403", "404", "429")},
                             parameters=ref_id),
        },
        "/v1/images/references/{ref_id}/thumbnail": {
            "get": _admin("The reference's thumbnail", {**thumbnail, **_errors("401", "403", "404", "429")}, parameters=ref_id),
        },
    }
