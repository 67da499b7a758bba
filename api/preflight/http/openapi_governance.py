"""The policy owners' endpoints in the OpenAPI document: overrides, crisis mode, events, reports, preview."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from preflight.http import schemas as s
from preflight.http.views_crisis import CrisisRequest, EventRequest
from preflight.http.views_overrides import OverrideRequest


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


class OverrideReasonOut(BaseModel):
    reason: str
    key_name: str
    created_at: str
    check_id: str


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


class RuleCountOut(BaseModel):
    rule: str
    titles: dict[str, str] = Field(description="The rule's short name for people per language (en, nl, da, sv, de): "
                                               "the pack's title, else the English one, else the id read as words.")
    pack: str
    fired: int
    overridden: int
    override_rate: float | None
    languages: dict[str, dict]
    reasons: list[OverrideReasonOut] = Field(description="The newest overrides of the rule in the window, with their reasons.")


class RulesReport(BaseModel):
    since: str
    until: str
    checks: int
    verdicts: dict[Literal["pass", "warn", "block"], int]
    rules: list[RuleCountOut]
    packs: list[dict]
    days: list[dict]


class PreviewResponse(BaseModel):
    current: list[s.PackRef]
    proposed: list[s.PackRef]
    posts: int
    changed_posts: int
    verdicts: list[dict]
    rules: list[dict]
    changes: list[dict]
    errors: list[dict]


MODELS = [OverrideRequest, OverrideResponse, OverridesPage, CrisisRequest, CrisisOut, EventRequest, EventResponse, EventsResponse,
          RulesReport, s.PreviewRequest, PreviewResponse]


def governance_paths(op) -> dict:
    """Paths built with openapi._op (passed in, so the two modules do not import each other)."""
    admin = {"scope": "admin"}
    event_id = [{"name": "event_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}}]
    moments = [{"name": name, "in": "query", "description": "YYYY-MM-DD or an ISO date and time", "schema": {"type": "string"}}
               for name in ("since", "until")]
    report_format = {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "csv"]}}
    report = op("Per rule: how often it fired and was overridden (JSON, or CSV with format=csv)", RulesReport,
                errors=("401", "403", "422", "429"), params=[*moments, report_format], **admin)
    report["responses"]["200"]["content"]["text/csv"] = {"schema": {"type": "string"}}
    override_filters = [
        {"name": "rule", "in": "query", "description": "Overrides that include this rule id", "schema": {"type": "string"}},
        {"name": "pack", "in": "query", "description": "Overrides that include a rule of this pack", "schema": {"type": "string"}},
        {"name": "key", "in": "query", "description": "Overrides made with the key of this name", "schema": {"type": "string"}},
        *moments,
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
        {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}},
        report_format,
    ]
    listing = op("Overrides with their reasons, newest first, filtered and paginated (JSON, or CSV with format=csv)",
                 OverridesPage, errors=("401", "403", "422", "429"), params=override_filters, **admin)
    listing["responses"]["200"]["content"]["text/csv"] = {"schema": {"type": "string"}}
    preview = op("Replay the current and a proposed rules directory over posts and list what would change", PreviewResponse,
                 s.PreviewRequest, errors=("400", "401", "403", "413", "415", "422", "429"), **admin)
    preview["requestBody"]["content"]["multipart/form-data"] = {"schema": {"type": "object", "required": ["rules_dir"], "properties": {
        "rules_dir": {"type": "string"}, "posts": {"type": "string", "format": "binary"}}}}
    return {
        "/v1/overrides": {"post": op("Publish anyway: record which rules of a check were overridden and why", OverrideResponse,
                                     OverrideRequest, errors=("400", "401", "403", "404", "415", "422", "429"), status="201"),
                          "get": listing},
        "/v1/crisis": {
            "get": op("Crisis mode as it is now", CrisisOut, **admin),
            "put": op("Switch crisis mode on or off, or change its message and approved statements", CrisisOut, CrisisRequest,
                      errors=("400", "401", "403", "409", "415", "422", "429"), **admin),
        },
        "/v1/events": {
            "get": op("Sensitive events, live or not", EventsResponse, **admin),
            "post": op("Add a sensitive event: posts that mention it while it is live get a warning", EventResponse, EventRequest,
                       errors=("400", "401", "403", "409", "415", "422", "429"), status="201", **admin),
        },
        "/v1/events/{event_id}": {"delete": op("Remove an event", EventResponse, errors=("401", "403", "404", "429"),
                                               params=event_id, **admin)},
        "/v1/reports/rules": {"get": report},
        "/v1/packs/preview": {"post": preview},
    }
