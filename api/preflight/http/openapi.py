"""The OpenAPI 3 document, built from the registered routes, what each view declares and the pydantic models."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import Flask
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from preflight import __version__
from preflight.http.app import UNLIMITED_PREFIXES
from preflight.http.schemas import ErrorResponse

ERRORS = {
    400: "Malformed JSON", 401: "Missing or invalid API key", 403: "Not allowed", 404: "Not found",
    409: "Conflicts with the current state (the message says how)", 410: "Expired", 413: "Body or text over the limit",
    415: "Unsupported content type", 422: "The request does not match the schema", 429: "Rate limit reached (see Retry-After)",
}
METHODS = ("get", "post", "put", "patch", "delete")
# Flask's `<int:ref_id>` or `<name>` in a rule; werkzeug's int converter takes no sign, so its numbers start at 0.
ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
CONVERTED = {"int": {"type": "integer", "minimum": 0}}
MOMENT = "YYYY-MM-DD or an ISO date and time"


@dataclass(frozen=True)
class Operation:
    """What a view declares about itself beyond its route and its scope (which `require` records)."""

    summary: str
    response: type[BaseModel] | None
    status: int = 200
    ok: str = "OK"
    request: type[BaseModel] | None = None
    form: dict | None = None
    media: dict = field(default_factory=dict)
    path: dict = field(default_factory=dict)
    query: tuple[dict, ...] = ()
    errors: tuple[int, ...] = ()
    notes: dict = field(default_factory=dict)


def documented(summary: str, response: type[BaseModel] | None, **details):
    """Decorator: the view's entry in /openapi.json.

    `request`: the JSON body's model; `form`: the multipart/form-data body's schema; `media`: other types of the
    answer; `path`: schemas of path parameters narrower than their converter's; `query`: query parameters;
    `errors`: statuses beyond the ones the key, the rate limit and the body already imply; `notes`: their descriptions.
    """
    operation = Operation(summary, response, **details)

    def decorate(view):
        view.openapi = operation
        return view

    return decorate


def query(name: str, schema: dict, description: str | None = None) -> dict:
    return {"name": name, "in": "query", **({"description": description} if description else {}), "schema": schema}


def whole(low: int, high: int | None = None, default: int | None = None) -> dict:
    """The schema of a whole-number parameter."""
    bounds = {"minimum": low, "maximum": high, "default": default}
    return {"type": "integer", **{k: v for k, v in bounds.items() if v is not None}}


def moments() -> tuple[dict, ...]:
    """The `since` and `until` of reports and listings."""
    return tuple(query(name, {"type": "string"}, MOMENT) for name in ("since", "until"))


def build_openapi(app: Flask) -> dict:
    """The document for every route whose view is `documented`."""
    paths: dict[str, dict] = {}
    models: dict[type[BaseModel], None] = {ErrorResponse: None}
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        operation = getattr(view, "openapi", None)
        if operation is None:
            continue
        models.update(dict.fromkeys(m for m in (operation.response, operation.request) if m is not None))
        path = ARGUMENT.sub(r"{\2}", rule.rule)
        for method in sorted(rule.methods & {m.upper() for m in METHODS}, key=lambda m: METHODS.index(m.lower())):
            paths.setdefault(path, {})[method.lower()] = _operation(rule, operation, getattr(view, "scope", None))
    _, defs = models_json_schema([(m, "validation") for m in models], ref_template="#/components/schemas/{model}")
    return {
        "openapi": "3.0.3",
        "info": {"title": "preflight", "version": __version__,
                 "description": "Checks brand social media posts before they are published."},
        "components": {"schemas": defs["$defs"], "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": paths,
    }


def _ref(model: type[BaseModel]) -> dict:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _operation(rule, operation: Operation, scope: str | None) -> dict:
    content = {"application/json": {"schema": _ref(operation.response)}} if operation.response else {}
    content.update(operation.media)
    success = {"description": operation.ok, **({"content": content} if content else {})}
    op: dict = {"summary": operation.summary, "responses": {str(operation.status): success}}
    described = {**ERRORS, **({403: f"The key lacks the `{scope}` scope"} if scope else {}), **operation.notes}
    for status in sorted(_error_statuses(rule, operation, scope)):
        op["responses"][str(status)] = {"description": described[status],
                                        "content": {"application/json": {"schema": _ref(ErrorResponse)}}}
    body = {}
    if operation.request is not None:
        body["application/json"] = {"schema": _ref(operation.request)}
    if operation.form is not None:
        body["multipart/form-data"] = {"schema": operation.form}
    if body:
        op["requestBody"] = {"required": True, "content": body}
    if scope:
        op["security"] = [{"bearer": []}]
        op["description"] = f"Needs a key with the `{scope}` scope."
    parameters = [{"name": name, "in": "path", "required": True,
                   "schema": operation.path.get(name, CONVERTED.get(converter, {"type": "string"}))}
                  for converter, name in ARGUMENT.findall(rule.rule)] + list(operation.query)
    if parameters:
        op["parameters"] = parameters
    return op


def _error_statuses(rule, operation: Operation, scope: str | None) -> set[int]:
    """The view's own statuses, and those that the key check, the rate limit and the body parser answer before it."""
    statuses = set(operation.errors)
    if scope:
        statuses |= {401, 403}
    if not rule.rule.startswith(UNLIMITED_PREFIXES):
        statuses.add(429)
    if operation.request is not None or operation.form is not None:
        statuses |= {415, 422}
    if operation.request is not None:
        statuses.add(400)
    return statuses
