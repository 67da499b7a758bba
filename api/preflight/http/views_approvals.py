"""Approval before publishing: POST/GET /v1/approvals, GET /v1/approvals/<id>, POST .../decision, the webhook log."""
from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request

from preflight.governance.approvals import ApprovalRefused, may_read, public
from preflight.storage import StorageError
from preflight.http.auth import require
from preflight.http.errors import ApiError
from preflight.http.openapi import documented, query, whole
from preflight.http.schemas import (ApprovalOut, ApprovalRequest, ApprovalsPage, CheckRequest, DecisionRequest,
                                    DeliveriesResponse)
from preflight.http.views_check import checked, parse_json
from preflight.http.views_overrides import find_check, whole_number

bp = Blueprint("approvals", __name__)
STATES = ("pending", "approved", "rejected", "expired")
STATUS = {"not_found": 404, "forbidden": 403, "conflict": 409, "gone": 410, "invalid": 422}
PAGE_DEFAULT, PAGE_MAX = 50, 200
LIMIT = query("limit", whole(1, PAGE_MAX, PAGE_DEFAULT))
APPROVAL_ID = {"approval_id": {"type": "string", "pattern": "^apr_[0-9a-f]{32}$"}}


def desk():
    return current_app.extensions["preflight"].approvals


def refused(exc: ApprovalRefused) -> ApiError:
    details = [{"field": "text", "findings": exc.findings}] if exc.findings is not None else []
    return ApiError(STATUS[exc.kind], exc.code, str(exc), details)


def checked_post(req: ApprovalRequest):
    """(post, report) of the submission sent, or of the earlier check named, checked again now."""
    if (req.check_id is None) == (req.submission is None):
        raise ApiError(422, "invalid_request", "send either check_id or submission", [{"field": "check_id"}])
    if req.submission is not None:
        return checked(req.submission)
    record = find_check(req.check_id)
    if record is None or record["key_name"] != g.api_key.name:
        raise ApiError(404, "check_not_found", f"no check {req.check_id[:64]!r} made with this key", [{"field": "check_id"}])
    if record["text"] is None:
        raise ApiError(422, "text_not_stored", "this deployment does not keep the texts of checks (PREFLIGHT_STORE_TEXT): "
                       "send the post as `submission` instead", [{"field": "check_id"}])
    return checked(CheckRequest(text=record["text"], language=record["language"], platform=record["platform"],
                                profile=record["profile"], context=record["context"]))


@bp.post("/v1/approvals")
@documented("Ask for an approval of a checked post (422 nothing_to_approve when it passes)", ApprovalOut, status=201,
            request=ApprovalRequest, errors=(404, 413))
@require("check")
def request_approval():
    req = parse_json()
    submission, report = checked_post(req)
    try:
        approval = desk().request(submission, report, g.api_key.name, req.note, req.expires_in_hours)
    except ApprovalRefused as exc:
        raise refused(exc) from None
    return jsonify(public(approval)), 201


@bp.get("/v1/approvals")
@documented("Approval requests, newest first", ApprovalsPage, errors=(422,), query=(
    query("state", {"type": "string", "enum": list(STATES)}), LIMIT,
    query("cursor", {"type": "string"}, "next_cursor of the previous page")))
@require("approve")
def list_approvals():
    state = request.args.get("state") or None
    if state is not None and state not in STATES:
        raise ApiError(422, "invalid_request", f"state must be one of {', '.join(STATES)}, not {state[:20]!r}", [{"field": "state"}])
    limit = whole_number("limit", PAGE_DEFAULT, 1, PAGE_MAX)
    cursor = request.args.get("cursor") or None
    try:
        approvals, following = desk().listing(state, limit, cursor[:200] if cursor else None)
    except StorageError as exc:
        raise ApiError(422, "invalid_request", str(exc), [{"field": "cursor"}]) from None
    return jsonify({"approvals": [public(a) for a in approvals], "next_cursor": following})


@bp.get("/v1/approvals/<approval_id>")
@documented("One request (for the key that asked for it, or an approver)", ApprovalOut, path=APPROVAL_ID, errors=(404,))
@require("check")
def get_approval(approval_id: str):
    try:
        approval = desk().get(approval_id)
    except ApprovalRefused as exc:
        raise refused(exc) from None
    if not may_read(approval, g.api_key):  # another editor's request: as if it did not exist
        raise ApiError(404, "approval_not_found", f"no approval {approval_id[:60]!r}")
    return jsonify(public(approval))


@bp.post("/v1/approvals/<approval_id>/decision")
@documented("Approve or reject (four eyes: 403 own_request for the requester's key; 409 already_decided; 410 expired; "
            "422 edited_text_blocked when an edited text blocks)", ApprovalOut, request=DecisionRequest, path=APPROVAL_ID,
            errors=(404, 409, 410), notes={410: "The request expired"})
@require("approve")
def decide(approval_id: str):
    req = parse_json()
    try:
        approval = desk().decide(approval_id, g.api_key.name, req.decision, req.comment, req.text, req.add_to_statements)
    except ApprovalRefused as exc:
        raise refused(exc) from None
    if req.add_to_statements:
        current_app.extensions["preflight"].governance.load_crisis()
    return jsonify(public(approval))


@bp.get("/v1/webhooks/deliveries")
@documented("The newest webhook deliveries, with their status", DeliveriesResponse, query=(LIMIT,), errors=(422,))
@require("admin")
def deliveries():
    limit = whole_number("limit", PAGE_DEFAULT, 1, PAGE_MAX)
    return jsonify({"deliveries": current_app.extensions["preflight"].approvals_store.deliveries(limit)})
