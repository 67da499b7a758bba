"""POST /v1/overrides: an editor publishes anyway, and says why; GET /v1/overrides: policy owners read why."""
from __future__ import annotations

import re
import time

from flask import Blueprint, Response, current_app, g, jsonify, request
from pydantic import BaseModel, Field

from preflight.governance.crisis import RULE as CRISIS_RULE
from preflight.governance.events import parse_moment
from preflight.governance.reports import overrides_csv
from preflight.http.auth import require
from preflight.http.errors import ApiError
from preflight.http.openapi import documented, moments, query, whole
from preflight.http.schemas import Strict
from preflight.http.views_check import parse_json
from preflight.http.views_reports import CSV, FORMAT, output_format

bp = Blueprint("overrides", __name__)
CHECK_ID = re.compile(r"[0-9a-f]{32}")
# A check made through another instance reaches the database with that instance's next batch (every 0.2 s).
WAIT_FOR_OTHER_INSTANCES_S = 1.5
PAGE_DEFAULT, PAGE_MAX = 50, 200
OFFSET_MAX = 10**9
FILTERS = {"rule": "rule", "pack": "pack", "key": "key_name"}
# Policy owners read these reasons later, without the post or the editor at hand.
GOOD_REASON = "Say who approved it or why it is right, e.g. 'Approved by legal, ticket 42: the recall notice itself'."


class OverrideRequest(Strict):
    check_id: str = Field(max_length=64)
    rules: list[str] = Field(min_length=1, max_length=200)
    reason: str = Field(max_length=2000, description="Why the post is published anyway; read by policy owners.")


class OverrideOut(BaseModel):
    id: str
    check_id: str
    rules: list[str]
    reason: str
    key_name: str
    created_at: str


class OverrideResponse(BaseModel):
    override: OverrideOut


class OverrideListed(OverrideOut):
    language: str | None = Field(description="Of the overridden check; null when the check has been pruned.")
    verdict: str | None
    draft_id: str | None


class OverridesPage(BaseModel):
    overrides: list[OverrideListed] = Field(description="Newest first.")
    total: int = Field(description="How many overrides match the filters, over all pages.")
    limit: int
    offset: int
    next_offset: int | None = Field(description="The offset of the next page; null on the last one.")


def crisis_policy(rules: list[str], reason: str) -> None:
    """Crisis mode holds everything but approved statements; a deployment may allow publishing anyway, with a real reason."""
    if CRISIS_RULE not in rules:
        return
    config = current_app.config
    if not config["CRISIS_OVERRIDES"]:
        raise ApiError(403, "crisis_override_disabled", "crisis mode is on: only approved statements go out, and this "
                       "deployment does not let a post through anyway (PREFLIGHT_CRISIS_OVERRIDES)", [{"field": "rules"}])
    minimum = int(config["CRISIS_REASON_MIN_CHARS"])
    if len(reason) < minimum:
        raise ApiError(422, "reason_too_short", f"publishing during crisis mode needs a reason of at least {minimum} "
                       f"characters; this one has {len(reason)}. {GOOD_REASON}",
                       [{"field": "reason", "message": f"at least {minimum} characters"}])


def find_check(check_id: str) -> dict | None:
    """The check record, whether this process has written it yet or not, or another instance is about to."""
    service = current_app.extensions["preflight"]
    if not CHECK_ID.fullmatch(check_id):
        return None
    deadline = time.monotonic() + WAIT_FOR_OTHER_INSTANCES_S
    while True:
        record = service.recorder.pending(check_id) or service.store.get_check(check_id)
        if record is not None or time.monotonic() >= deadline:
            return record
        time.sleep(0.05)


@bp.post("/v1/overrides")
@documented("Publish anyway: record which rules of a check were overridden and why", OverrideResponse, status=201,
            request=OverrideRequest, errors=(404,))
@require("check")
def create_override():
    req = parse_json()
    reason = req.reason.strip()
    if not reason:
        raise ApiError(422, "invalid_request", f"say why the post is published anyway: the reason is empty. {GOOD_REASON}",
                       [{"field": "reason", "message": "empty"}])
    crisis_policy(req.rules, reason)
    record = find_check(req.check_id)
    if record is None:
        raise ApiError(404, "not_found", f"no check with id {req.check_id!r}", [{"field": "check_id"}])
    if record.get("approval_required"):
        raise ApiError(403, "approval_required", "the brand profile asks for an approver's approval of this post instead "
                       "of an override: request one with POST /v1/approvals", [{"field": "check_id"}])
    fired = set(record["rules"])
    unknown = [rule for rule in dict.fromkeys(req.rules) if rule not in fired]
    if unknown:
        raise ApiError(422, "rules_did_not_fire", f"these rules did not fire on check {req.check_id}: {', '.join(unknown)}",
                       [{"field": "rules", "message": f"fired: {', '.join(sorted(fired)) or 'none'}"}])
    governance = current_app.extensions["preflight"].governance.store
    override = governance.add_override(req.check_id, list(dict.fromkeys(req.rules)), reason, g.api_key.name)
    return jsonify({"override": override}), 201


def whole_number(name: str, default: int, low: int, high: int) -> int:
    text = request.args.get(name, "")
    if not text:
        return default
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise ApiError(422, "invalid_request", f"{name} must be a whole number from {low} to {high}, not {text[:20]!r}",
                       [{"field": name}])
    return int(text)


@bp.get("/v1/overrides")
@documented("Overrides with their reasons, newest first, filtered and paginated (JSON, or CSV with format=csv)",
            OverridesPage, media=CSV, errors=(422,), query=(
                query("rule", {"type": "string"}, "Overrides that include this rule id"),
                query("pack", {"type": "string"}, "Overrides that include a rule of this pack"),
                query("key", {"type": "string"}, "Overrides made with the key of this name"),
                *moments(), query("limit", whole(1, PAGE_MAX, PAGE_DEFAULT)), query("offset", whole(0, OFFSET_MAX, 0)),
                FORMAT))
@require("admin")
def list_overrides():
    output = output_format()
    filters = {}
    for param, field in FILTERS.items():
        value = request.args.get(param, "")
        if len(value) > 200:
            raise ApiError(422, "invalid_request", f"{param} is longer than 200 characters", [{"field": param}])
        filters[field] = value or None
    for name, end in (("since", False), ("until", True)):
        value = request.args.get(name, "")
        filters[name] = parse_moment(value, name, end=end) if value else None
    if filters["since"] and filters["until"] and filters["since"] >= filters["until"]:
        raise ApiError(422, "invalid_request", "since is not before until", [{"field": "since"}])
    limit = whole_number("limit", PAGE_DEFAULT, 1, PAGE_MAX)
    offset = whole_number("offset", 0, 0, OFFSET_MAX)
    governance = current_app.extensions["preflight"].governance.store
    total, overrides = governance.list_overrides(**filters, limit=limit, offset=offset)
    if output == "csv":
        return Response(overrides_csv(overrides), mimetype="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="preflight-overrides.csv"',
                                 "X-Total-Count": str(total)})
    following = offset + len(overrides)
    return jsonify({"overrides": overrides, "total": total, "limit": limit, "offset": offset,
                    "next_offset": following if following < total else None})
