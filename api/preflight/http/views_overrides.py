"""POST /v1/overrides: an editor publishes anyway, and says why."""
from __future__ import annotations

import re
import time

from flask import Blueprint, current_app, g, jsonify
from pydantic import Field

from .auth import require
from .errors import ApiError
from .schemas import Strict
from .views_check import parse_json

bp = Blueprint("overrides", __name__)
CHECK_ID = re.compile(r"[0-9a-f]{32}")
# A check made through another instance reaches the database with that instance's next batch (every 0.2 s).
WAIT_FOR_OTHER_INSTANCES_S = 1.5


class OverrideRequest(Strict):
    check_id: str = Field(max_length=64)
    rules: list[str] = Field(min_length=1, max_length=200)
    reason: str = Field(max_length=2000, description="Why the post is published anyway; read by policy owners.")


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
@require("check")
def create_override():
    req = parse_json(OverrideRequest)
    reason = req.reason.strip()
    if not reason:
        raise ApiError(422, "invalid_request", "say why the post is published anyway: the reason is empty",
                       [{"field": "reason", "message": "empty"}])
    record = find_check(req.check_id)
    if record is None:
        raise ApiError(404, "not_found", f"no check with id {req.check_id!r}", [{"field": "check_id"}])
    fired = set(record["rules"])
    unknown = [rule for rule in dict.fromkeys(req.rules) if rule not in fired]
    if unknown:
        raise ApiError(422, "rules_did_not_fire", f"these rules did not fire on check {req.check_id}: {', '.join(unknown)}",
                       [{"field": "rules", "message": f"fired: {', '.join(sorted(fired)) or 'none'}"}])
    governance = current_app.extensions["preflight"].governance.store
    override = governance.add_override(req.check_id, list(dict.fromkeys(req.rules)), reason, g.api_key.name)
    return jsonify({"override": override}), 201
