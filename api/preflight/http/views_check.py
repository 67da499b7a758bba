"""POST /v1/check and /v1/check/batch."""
from __future__ import annotations

import base64
import binascii
import logging
import uuid

from flask import Blueprint, current_app, g, jsonify, request
from pydantic import ValidationError

from preflight.governance.approvals import ApprovalRefused
from preflight.governance.crisis import RULE as CRISIS_RULE
from preflight.errors import InputError
from preflight.pipeline import Attachment, Submission, publication_time
from preflight.http.auth import require
from preflight.http.edge import check_tree, load_json
from preflight.http.errors import ApiError
from preflight.http.image_checks import refuse_only_bad_image
from preflight.http.openapi import documented
from preflight.http.schemas import BatchRequest, BatchResponse, CheckRequest, CheckResponse

bp = Blueprint("check", __name__)
log = logging.getLogger("preflight.api")
# CheckRequest as form fields, with the images as files instead of base64 (see parse_check_request).
CHECK_FORM = {"type": "object", "properties": {
    **{name: {"type": "string"} for name in CheckRequest.model_fields if name != "images"},
    "images": {"type": "array", "items": {"type": "string", "format": "binary"}},
    "alt": {"type": "array", "items": {"type": "string"},
            "description": "One per image, in the same order; empty for an image without alt text."}}}


def validation_details(exc: ValidationError) -> list[dict]:
    return [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors(include_url=False)]


def parse_json():
    """The JSON body, validated against the model the view declares in `@documented(request=...)`: one declaration
    for both the OpenAPI document and the check, so the two cannot disagree."""
    model = current_app.view_functions[request.endpoint].openapi.request
    if not request.mimetype == "application/json":
        raise ApiError(415, "unsupported_media_type", "send JSON (Content-Type: application/json) or multipart/form-data")
    data = load_json(request.get_data(cache=True))
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ApiError(422, "invalid_request", "the request does not match the schema", validation_details(exc)) from None


def parse_check_request() -> CheckRequest:
    if request.mimetype == "multipart/form-data":
        fields = {k: v for k, v in request.form.items() if v != "" and k != "alt"}
        uploads = request.files.getlist("images")
        # One `alt` field per image, in the same order; an empty one for an image without alt text.
        alts = request.form.getlist("alt")
        check_tree({**fields, "alt": alts, "images": [f.filename or "" for f in uploads]})
        if len(alts) > len(uploads):
            raise ApiError(422, "invalid_request", f"{len(alts)} alt fields for {len(uploads)} images: send one per "
                           "image, in the same order (empty for an image without alt text)", [{"field": "alt"}])
        images = [
            {"data": base64.b64encode(f.read()).decode("ascii"), "name": f.filename or None,
             "alt": alts[i] if i < len(alts) and alts[i] != "" else None}
            for i, f in enumerate(uploads)
        ]
        if images:
            fields["images"] = images
        try:
            return CheckRequest.model_validate(fields)
        except ValidationError as exc:
            raise ApiError(422, "invalid_request", "the request does not match the schema", validation_details(exc)) from None
    return parse_json()


def crisis_override_policy() -> dict:
    """What a client shows on a post held by crisis mode: whether it may go out anyway, and the reason it needs."""
    config = current_app.config
    return {"publish_anyway": bool(config["CRISIS_OVERRIDES"]), "reason_min_chars": int(config["CRISIS_REASON_MIN_CHARS"])}


def submission_of(req: CheckRequest) -> Submission:
    """The post of one validated request; raises ApiError for the client to fix."""
    config = current_app.config
    if not req.text.strip() and not req.images:
        raise ApiError(422, "empty_post", "the post has no text and no image: there is nothing to check", [{"field": "text"}])
    if len(req.images) > int(config["MAX_IMAGES"]):
        raise ApiError(413, "too_many_images", f"{len(req.images)} images; the limit is {config['MAX_IMAGES']} per request")
    files = []
    for index, image in enumerate(req.images):
        try:
            files.append(base64.b64decode(image.data, validate=True))
        except (binascii.Error, ValueError):
            raise ApiError(422, "invalid_image", f"image {index} is not valid base64", [{"field": f"images.{index}.data"}]) from None
    attachments = tuple(Attachment(data, image.name, image.alt) for data, image in zip(files, req.images))
    now, today = publication_time(req.scheduled_for) if req.scheduled_for else (None, None)
    return Submission(req.text, req.language, req.platform, req.profile, req.context,
                      now=now, today=today, images=attachments, in_reply_to=req.in_reply_to)


def run_check(req: CheckRequest) -> dict:
    """Check one validated request; raises ApiError or InputError for the client to fix."""
    return checked(req)[1]


def checked(req: CheckRequest) -> tuple[Submission, dict]:
    """(the post, the report the API answers for it), the check recorded in the audit trail."""
    service = current_app.extensions["preflight"]
    config = current_app.config
    submission = submission_of(req)
    report = service.check(submission)
    refuse_only_bad_image(report)
    body = {"check_id": uuid.uuid4().hex, **report.to_dict()}
    if any(f["rule"] == CRISIS_RULE for f in body["findings"]):
        body["crisis"] = crisis_override_policy()
    if req.approval_id is not None:
        body["approval"] = bound(req.approval_id, submission, body)
    service.metrics.observe_report(body)
    service.recorder.record({
        "check_id": body["check_id"],
        "key_name": g.api_key.name,
        "profile": req.profile,
        "platform": req.platform,
        "language": body["language"],
        "context": req.context,
        "verdict": body["verdict"],
        "rules": sorted({f["rule"] for f in body["findings"]}),
        "packs": body["packs"],
        "text_sha256": service.store.text_hash(req.text),
        "text": req.text if config["STORE_TEXT"] else None,
        "elapsed_ms": body["elapsed_ms"],
        "draft_id": req.draft_id,
        "approval_required": body["approval_required"],
    })
    log.info("check", extra={"check_id": body["check_id"], "verdict": body["verdict"], "key": g.api_key.name,
                             "findings": len(body["findings"]), **({"text": req.text} if config["STORE_TEXT"] else {})})
    return submission, body


def bound(approval_id: str, submission: Submission, body: dict) -> dict:
    """The report's `approval` object; an unknown approval is the client's to fix."""
    try:
        return current_app.extensions["preflight"].approvals.bind(approval_id, submission, body, g.api_key)
    except ApprovalRefused as exc:
        raise ApiError(404, exc.code, str(exc), [{"field": "approval_id"}]) from None


def batch_chars(item: dict) -> int:
    """The characters of text one batch item asks to check: its post and its images' alt texts."""
    images = item.get("images")
    alts = [i.get("alt") for i in images if isinstance(i, dict)] if isinstance(images, list) else []
    return sum(len(t) for t in [item.get("text"), *alts] if isinstance(t, str))


@bp.post("/v1/check")
@documented("Check one post (404 approval_not_found for an approval_id this key may not use)", CheckResponse,
            request=CheckRequest, form=CHECK_FORM, errors=(404, 413))
@require("check")
def check():
    return jsonify(run_check(parse_check_request()))


@bp.post("/v1/check/batch")
@documented("Check up to MAX_BATCH_ITEMS (100) posts; one bad item does not fail the batch", BatchResponse,
            request=BatchRequest, errors=(413,))
@require("check")
def check_batch():
    batch = parse_json()
    config = current_app.config
    if len(batch.items) > int(config["MAX_BATCH_ITEMS"]):
        raise ApiError(413, "too_many_items", f"{len(batch.items)} items; the limit is {config['MAX_BATCH_ITEMS']}")
    chars = sum(batch_chars(item) for item in batch.items)
    if chars > int(config["MAX_BATCH_CHARS"]):
        raise ApiError(413, "batch_too_large", f"the items hold {chars:,} characters of text and alt text; the limit per "
                       f"batch is {int(config['MAX_BATCH_CHARS']):,}: split the batch")
    results = []
    for index, item in enumerate(batch.items):
        try:
            results.append({"index": index, "result": run_check(CheckRequest.model_validate(item))})
        except ValidationError as exc:
            results.append({"index": index, "error": {"code": "invalid_request", "message": "the item does not match the schema", "details": validation_details(exc)}})
        except ApiError as exc:
            results.append({"index": index, "error": {"code": exc.code, "message": exc.message, "details": exc.details}})
        except InputError as exc:
            results.append({"index": index, "error": {"code": exc.code, "message": str(exc), "details": [{"field": exc.field}]}})
    return jsonify({"items": results})
