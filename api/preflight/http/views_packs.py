"""Packs and profiles, for the extension's settings and for policy owners; reload for admins."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from preflight.http.auth import require
from preflight.http.errors import ApiError
from preflight.http.openapi import documented
from preflight.http.schemas import PackDetail, PacksResponse, ProfilesResponse, ReloadResponse

bp = Blueprint("packs", __name__)


def pack_summary(pack) -> dict:
    model = pack.model
    return {"id": pack.id, "title": pack.title, "version": pack.version, "owner": model.owner,
            "description": model.description, "rules": len(pack.rules)}


@bp.get("/v1/packs")
@documented("Packs and versions", PacksResponse)
@require("check")
def list_packs():
    ruleset = current_app.extensions["preflight"].checker.ruleset
    return jsonify({"packs": [pack_summary(p) for p in ruleset.packs]})


@bp.get("/v1/packs/<pack_id>")
@documented("One pack with its rules", PackDetail, errors=(404,))
@require("check")
def get_pack(pack_id: str):
    ruleset = current_app.extensions["preflight"].checker.ruleset
    pack = next((p for p in ruleset.packs if p.id == pack_id), None)
    if pack is None:
        raise ApiError(404, "not_found", f"no pack {pack_id!r}; see GET /v1/packs")
    rules = [{"id": r.id, "severity": r.severity, "languages": sorted(r.languages), "message": r.messages,
              "reference": r.reference} for r in pack.rules]
    return jsonify({**pack_summary(pack), "references": pack.model.references, "rule_list": rules})


@bp.get("/v1/profiles")
@documented("Brand profiles", ProfilesResponse)
@require("check")
def list_profiles():
    profiles = current_app.extensions["preflight"].checker.ruleset.profiles
    return jsonify({"profiles": [
        {"id": p.id, "name": p.name, "default_language": p.default_language, "default_platform": p.default_platform}
        for p in profiles.values()
    ]})


@bp.post("/v1/packs/reload")
@documented("Validate the rules directory and swap it in atomically", ReloadResponse, errors=(422,))
@require("admin")
def reload_packs():
    service = current_app.extensions["preflight"]
    problems = service.reload()
    body = {"reloaded": not problems, "packs": [{"id": i, "version": v} for i, v in service.checker.packs], "problems": problems}
    if problems:
        raise ApiError(422, "invalid_pack", "the rules directory has problems; the previous packs stay in force",
                       [{"problem": p} for p in problems])
    return jsonify(body)
