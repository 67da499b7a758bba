"""Liveness, readiness, the OpenAPI document and its human-readable page."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template

from preflight.http.openapi import build_openapi
from preflight.http.redis_health import redis_state

bp = Blueprint("health", __name__, template_folder="templates")
# A load balancer asks often and gives up soon: a database that does not answer within this counts as unreachable.
READY_TIMEOUT_S = 2.0


@bp.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    service = current_app.extensions["preflight"]
    database = service.store.ping(timeout=READY_TIMEOUT_S)
    packs = [{"id": i, "version": v} for i, v in service.checker.packs]
    optional = {
        "redis": redis_state(current_app.config["REDIS_URL"]),
        "languagetool": "configured" if current_app.config["LANGUAGETOOL_URL"] else "not configured",
    }
    ready = database and bool(packs)
    body = {"status": "ready" if ready else "not ready", "database": "ok" if database else "unreachable",
            "packs": packs, "optional": optional}
    return jsonify(body), 200 if ready else 503


@bp.get("/openapi.json")
def openapi():
    return jsonify(build_openapi(current_app))


@bp.get("/docs")
def docs():
    spec = build_openapi(current_app)
    operations = [(path, method.upper(), op) for path, methods in spec["paths"].items() for method, op in methods.items()]
    return render_template("docs.html", operations=operations, version=spec["info"]["version"])
