"""The approval endpoints in the OpenAPI document: requests, decisions, the crisis team, webhooks, the report."""
from __future__ import annotations

from pydantic import BaseModel, Field

from preflight.http import schemas as s
from preflight.http.openapi_governance import CrisisOut


class RuleApprovalsOut(BaseModel):
    rule: str
    titles: dict[str, str] = Field(description="The rule's short name for people per language (en, nl, da, sv, de).")
    requested: int
    approved: int
    rejected: int
    approval_rate: float = Field(description="Of the decided requests with this rule: the share approved.")
    rejection_rate: float


class ApprovalsReport(BaseModel):
    since: str
    until: str
    requests: int
    states: dict[str, int]
    median_hours_to_decision: float | None
    rules: list[RuleApprovalsOut]


MODELS = [s.ApprovalRequest, s.ApprovalOut, s.ApprovalsPage, s.DecisionRequest, s.CrisisTeamRequest, s.DeliveriesResponse,
          ApprovalsReport]


def approval_paths(op) -> dict:
    """Paths built with openapi._op (passed in, so the two modules do not import each other)."""
    approval_id = [{"name": "approval_id", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^apr_[0-9a-f]{32}$"}}]
    listing = [
        {"name": "state", "in": "query", "schema": {"type": "string", "enum": ["pending", "approved", "rejected", "expired"]}},
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
        {"name": "cursor", "in": "query", "description": "next_cursor of the previous page", "schema": {"type": "string"}},
    ]
    moments = [{"name": name, "in": "query", "description": "YYYY-MM-DD or an ISO date and time", "schema": {"type": "string"}}
               for name in ("since", "until")]
    decision = op("Approve or reject (four eyes: 403 own_request for the requester's key; 409 already_decided; 410 expired; "
                  "422 edited_text_blocked when an edited text blocks)", s.ApprovalOut, s.DecisionRequest,
                  errors=("400", "401", "403", "404", "409", "415", "422", "429"), scope="approve")
    decision["responses"]["410"] = {"description": "The request expired", "content": {"application/json": {"schema": {
        "$ref": "#/components/schemas/ErrorResponse"}}}}
    return {
        "/v1/approvals": {
            "post": op("Ask for an approval of a checked post (422 nothing_to_approve when it passes)", s.ApprovalOut,
                       s.ApprovalRequest, errors=("400", "401", "403", "404", "413", "415", "422", "429"), status="201"),
            "get": op("Approval requests, newest first", s.ApprovalsPage, errors=("401", "403", "422", "429"), params=listing,
                      scope="approve"),
        },
        "/v1/approvals/{approval_id}": {"get": op("One request (for the key that asked for it, or an approver)", s.ApprovalOut,
                                                  errors=("401", "403", "404", "429"), params=approval_id)},
        "/v1/approvals/{approval_id}/decision": {"post": {**decision, "parameters": approval_id}},
        "/v1/crisis/team": {"put": op("Name the keys whose approval lets a post out during crisis mode", CrisisOut,
                                      s.CrisisTeamRequest, errors=("400", "401", "403", "415", "422", "429"), scope="admin")},
        "/v1/webhooks/deliveries": {"get": op("The newest webhook deliveries, with their status", s.DeliveriesResponse,
                                              errors=("401", "403", "422", "429"), scope="admin",
                                              params=[{"name": "limit", "in": "query", "schema": {
                                                  "type": "integer", "minimum": 1, "maximum": 200, "default": 50}}])},
        "/v1/reports/approvals": {"get": op("Approval requests per state, approval and rejection rates per rule, median "
                                            "time to decision", ApprovalsReport, errors=("401", "403", "422", "429"),
                                            params=moments, scope="admin")},
    }
