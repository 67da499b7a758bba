"""GET /v1/reports/rules (JSON or CSV), /v1/reports/approvals and the /reports page for policy owners."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from typing import Literal

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from pydantic import BaseModel, Field

from preflight import __version__
from preflight.governance.events import parse_moment
from preflight.governance.reports import approval_report, report_csv, rule_report
from preflight.packs.titles import titles_of
from preflight.http.auth import require
from preflight.http.errors import ApiError
from preflight.http.openapi import documented, moments, query
from preflight.http.playground import strict_page

bp = Blueprint("reports", __name__, template_folder="templates")
DEFAULT_DAYS = 30
REASONS_PER_RULE = 5
FORMAT = query("format", {"type": "string", "enum": ["json", "csv"]})
CSV = {"text/csv": {"schema": {"type": "string"}}}
TITLES = "The rule's short name for people per language (en, nl, da, sv, de)"


class OverrideReasonOut(BaseModel):
    reason: str
    key_name: str
    created_at: str
    check_id: str


class RuleCountOut(BaseModel):
    rule: str
    titles: dict[str, str] = Field(description=f"{TITLES}: the pack's title, else the English one, else the id read as words.")
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


class RuleApprovalsOut(BaseModel):
    rule: str
    titles: dict[str, str] = Field(description=f"{TITLES}.")
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


def window() -> tuple[datetime, datetime]:
    """[since, until) from the query: dates or dates and times; by default the last 30 days."""
    until_text, since_text = request.args.get("until", ""), request.args.get("since", "")
    until = parse_moment(until_text, "until", end=True) if until_text else datetime.now(timezone.utc)
    try:
        since = parse_moment(since_text, "since", end=False) if since_text else until - timedelta(days=DEFAULT_DAYS)
    except OverflowError:
        raise ApiError(422, "invalid_request", f"until ({until_text}) leaves no room for the default {DEFAULT_DAYS} days "
                       "before it: give since as well", [{"field": "until"}]) from None
    if since >= until:
        raise ApiError(422, "invalid_request", f"since ({since_text}) is not before until ({until_text or 'now'})",
                       [{"field": "since"}])
    return since, until


def output_format() -> str:
    """The `format` query parameter of a report endpoint: json (the default) or csv."""
    output = request.args.get("format", "json")
    if output not in ("json", "csv"):
        raise ApiError(422, "invalid_request", f"unknown format {output[:20]!r}: use json or csv", [{"field": "format"}])
    return output


@bp.get("/v1/reports/rules")
@documented("Per rule: how often it fired and was overridden (JSON, or CSV with format=csv)", RulesReport, media=CSV,
            query=(*moments(), FORMAT), errors=(422,))
@require("admin")
def rules_report():
    output = output_format()
    since, until = window()
    service = current_app.extensions["preflight"]
    store = service.governance.store
    report = rule_report(store.checks_between(since, until), store.overridden_rules(since, until), since, until,
                         store.override_reasons(since, until, REASONS_PER_RULE))
    if output == "csv":
        name = f"preflight-rules-{since:%Y%m%d}-{until:%Y%m%d}.csv"
        return Response(report_csv(report), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    name_rules(report["rules"])
    return jsonify({"since": since.isoformat(), "until": until.isoformat(), **report})


def name_rules(entries: list[dict]) -> None:
    """Give each report entry its rule's titles per language, for the page to show people names instead of ids."""
    compiled = {rule.id: rule.titles for rule in current_app.extensions["preflight"].checker.ruleset.rules}
    for entry in entries:
        # a rule no longer in the packs (or from another source: images, grammar) still gets a readable name
        entry["titles"] = titles_of(compiled.get(entry["rule"], {}), entry["rule"])


@bp.get("/v1/reports/approvals")
@documented("Approval requests per state, approval and rejection rates per rule, median time to decision",
            ApprovalsReport, query=moments(), errors=(422,))
@require("admin")
def approvals_report():
    since, until = window()
    service = current_app.extensions["preflight"]
    service.approvals.expire_due()
    report = approval_report(service.approvals_store.decided_between(since, until))
    name_rules(report["rules"])
    return jsonify({"since": since.isoformat(), "until": until.isoformat(), **report})


@bp.get("/reports")
def reports_page():
    """The page; it fetches the report from the browser with the policy owner's admin key."""
    return strict_page(render_template("reports.html", version=__version__))
