"""Crisis mode and live sensitive events, for admins: GET/PUT /v1/crisis, GET/POST/DELETE /v1/events."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, current_app, g, jsonify
from pydantic import BaseModel, Field

from preflight.governance.crisis import crisis_team, validate_crisis
from preflight.governance.events import EventMatcher, new_event
from preflight.storage.governance import ConflictError, NotFoundError
from preflight.http.auth import require
from preflight.http.errors import ApiError
from preflight.http.openapi import documented, whole
from preflight.http.schemas import CrisisTeamRequest, Strict
from preflight.http.views_check import parse_json

bp = Blueprint("crisis", __name__)
EVENT_ID_MAX = 2**31 - 1


class CrisisRequest(Strict):
    active: bool
    message: str = Field("", max_length=10_000)
    approved_statements: list[str] = Field(default_factory=list, max_length=10_000)


class EventRequest(Strict):
    name: str = Field(max_length=1000)
    terms: list[str] = Field(max_length=10_000)
    starts: str = Field(max_length=40, description="YYYY-MM-DD, or a date and time (UTC unless it says otherwise)")
    ends: str = Field(max_length=40, description="YYYY-MM-DD (the event lasts to the end of that day), or a date and time")
    note: str | None = Field(None, max_length=2000)


class CrisisOut(BaseModel):
    active: bool
    message: str
    approved_statements: list[str]
    since: str | None
    by: str | None
    team: list[str] = Field(description="Names of the keys whose approval lets a post that is not an approved statement out.")


class EventOut(BaseModel):
    id: int
    name: str
    terms: list[str]
    starts: str
    ends: str
    note: str | None
    live: bool


class EventResponse(BaseModel):
    event: EventOut


class EventsResponse(BaseModel):
    events: list[EventOut]


def governance():
    return current_app.extensions["preflight"].governance


def stored(change, *args):
    """Make a change to the governance tables as the calling key; its refusals as API errors."""
    try:
        return change(*args, g.api_key.name)
    except ConflictError as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    except NotFoundError as exc:
        raise ApiError(404, "not_found", str(exc)) from None


@bp.get("/v1/crisis")
@documented("Crisis mode as it is now", CrisisOut)
@require("admin")
def get_crisis():
    state = governance()
    state.load_crisis()
    return jsonify(state.crisis.to_dict())


@bp.put("/v1/crisis")
@documented("Switch crisis mode on or off, or change its message and approved statements", CrisisOut,
            request=CrisisRequest, errors=(409,))
@require("admin")
def put_crisis():
    req = parse_json()
    message, statements = validate_crisis(req.active, req.message, req.approved_statements)
    state = governance()
    crisis = state.crisis = stored(state.store.set_crisis, req.active, message, statements)
    return jsonify(crisis.to_dict())


@bp.put("/v1/crisis/team")
@documented("Name the keys whose approval lets a post out during crisis mode", CrisisOut, request=CrisisTeamRequest)
@require("admin")
def put_crisis_team():
    req = parse_json()
    names = crisis_team(req.keys)
    state = governance()
    crisis = state.crisis = stored(state.store.set_crisis_team, names)
    return jsonify(crisis.to_dict())


@bp.get("/v1/events")
@documented("Sensitive events, live or not", EventsResponse)
@require("admin")
def list_events():
    now = datetime.now(timezone.utc)
    return jsonify({"events": [e.to_dict(now) for e in governance().store.events()]})


@bp.post("/v1/events")
@documented("Add a sensitive event: posts that mention it while it is live get a warning", EventResponse, status=201,
            request=EventRequest, errors=(409,))
@require("admin")
def add_event():
    req = parse_json()
    event = new_event(req.name, req.terms, req.starts, req.ends, req.note)
    service = current_app.extensions["preflight"]
    problems = EventMatcher([event], service.checker.ruleset, service.analyzer).problems
    if problems:
        raise ApiError(422, "invalid_request", "; ".join(problems), [{"field": "terms"}])
    state = governance()
    added = stored(state.store.add_event, event)
    state.load_events()
    return jsonify({"event": added.to_dict(datetime.now(timezone.utc))}), 201


@bp.delete("/v1/events/<int:event_id>")
@documented("Remove an event", EventResponse, path={"event_id": whole(0, EVENT_ID_MAX)}, errors=(404,))
@require("admin")
def remove_event(event_id: int):
    if event_id > EVENT_ID_MAX:  # beyond any stored id, and beyond what the database's integer column can compare
        raise ApiError(404, "not_found", f"no event with id {event_id}")
    state = governance()
    removed = stored(state.store.remove_event, event_id)
    state.load_events()
    return jsonify({"event": removed.to_dict(datetime.now(timezone.utc))})
