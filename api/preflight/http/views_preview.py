"""POST /v1/packs/preview: what a proposed rules directory would change on past posts (admin)."""
from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, current_app, jsonify, request
from pydantic import BaseModel, ValidationError

from preflight.checker import Checker
from preflight.errors import InputError, PackError
from preflight.governance.impact import TooManyPostsError, replay, take
from preflight.scan import read_posts
from preflight.http.auth import require
from preflight.http.edge import check_tree
from preflight.http.errors import ApiError
from preflight.http.openapi import documented
from preflight.http.schemas import PackRef, PreviewRequest
from preflight.http.views_check import parse_json, validation_details

bp = Blueprint("preview", __name__)
# PreviewRequest as form fields, with the posts as a file (see parse_preview_request).
PREVIEW_FORM = {"type": "object", "required": ["rules_dir"], "properties": {
    "rules_dir": {"type": "string"}, "posts": {"type": "string", "format": "binary"}}}


class PreviewResponse(BaseModel):
    current: list[PackRef]
    proposed: list[PackRef]
    posts: int
    changed_posts: int
    verdicts: list[dict]
    rules: list[dict]
    changes: list[dict]
    errors: list[dict]


@bp.post("/v1/packs/preview")
@documented("Replay the current and a proposed rules directory over posts and list what would change", PreviewResponse,
            request=PreviewRequest, form=PREVIEW_FORM, errors=(413,))
@require("admin")
def preview():
    service = current_app.extensions["preflight"]
    config = current_app.config
    req, upload = parse_preview_request()
    directory = proposed_directory(req.rules_dir, config["PREVIEW_ROOT"] or Path(service.rules_dir).resolve().parent)
    limit = int(config["PREVIEW_MAX_POSTS"])
    if upload is not None:
        items = uploaded_posts(upload, limit)
    elif req.posts == "audit":
        if not config["STORE_TEXT"]:
            raise ApiError(422, "texts_not_stored", "the audit trail holds no post texts because PREFLIGHT_STORE_TEXT is off; "
                           "upload a posts file instead", [{"field": "posts"}])
        items = service.store.stored_texts(min(req.limit, limit))
    else:
        raise ApiError(422, "invalid_request", "name the posts to replay: upload a posts file (multipart) or send \"posts\": \"audit\"",
                       [{"field": "posts"}])
    try:
        # Cached by content: previewing the same proposal again (or the packs in force) does not compile it again.
        proposed = Checker.from_directory(directory, analyzer=service.analyzer, cache=True, max_chars=service.checker.max_chars)
    except PackError as exc:
        raise ApiError(422, "invalid_pack", "the proposed rules directory has problems",
                       [{"problem": str(p)} for p in exc.problems]) from None
    defaults = {"language": req.language, "platform": req.platform, "profile": req.profile, "context": req.context}
    return jsonify(replay(service.checker, proposed, items, defaults).to_dict())


def parse_preview_request():
    """The request model, and the uploaded posts file when the body is multipart."""
    if request.mimetype != "multipart/form-data":
        return parse_json(), None
    upload = request.files.get("posts")
    fields = {k: v for k, v in request.form.items() if v != ""}
    check_tree(fields)
    try:
        return PreviewRequest.model_validate(fields), upload
    except ValidationError as exc:
        raise ApiError(422, "invalid_request", "the request does not match the schema", validation_details(exc)) from None


def proposed_directory(named: str, root) -> Path:
    """`named` resolved inside `root`: an admin key names rules to compare, not any directory on the server."""
    root = Path(root).resolve()
    try:
        directory = (root / named).resolve()
    except (ValueError, OSError) as exc:  # a NUL byte, a name the file system refuses
        raise ApiError(422, "invalid_request", f"rules_dir is not a usable path: {exc}", [{"field": "rules_dir"}]) from None
    if not directory.is_relative_to(root):
        raise ApiError(422, "invalid_request", f"rules_dir must be inside the preview root {root}", [{"field": "rules_dir"}])
    return directory


def uploaded_posts(upload, limit: int) -> list[dict]:
    # The scan reader takes a path: the upload goes through a temporary file, gone when the posts are read.
    with tempfile.NamedTemporaryFile(suffix=Path(upload.filename or "posts").suffix) as handle:
        upload.save(handle)
        handle.flush()
        try:
            return take(read_posts(Path(handle.name)), limit)
        except TooManyPostsError as exc:
            raise ApiError(413, exc.code, str(exc), [{"field": "posts"}]) from None
        except InputError as exc:  # named after the upload, not the temporary file on the server
            message = str(exc).replace(handle.name, upload.filename or "the posts file")
            raise ApiError(422, exc.code, message, [{"field": "posts"}]) from None
