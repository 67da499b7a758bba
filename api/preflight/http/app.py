"""The Flask application factory."""
from __future__ import annotations

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from flask_limiter import Limiter

from preflight.http import errors, metrics
from preflight.http.auth import rate_limit_key
from preflight.http.config import load_config
from preflight.http.edge import UNSTORABLE, StrictRequest
from preflight.http.limit_storage import SCHEME as MEMORY_SCHEME
from preflight.http.redis_health import TIMEOUT_S as REDIS_TIMEOUT_S
from preflight.http.service import Service

UNLIMITED_PREFIXES = ("/healthz", "/readyz", "/metrics", "/static", "/openapi.json", "/docs")
# Answers that leave part of an upload unread: the rest of it would be taken for the next request.
UNREAD_BODY_STATUSES = (401, 403, 413, 415, 429)


class JsonProvider(DefaultJSONProvider):
    """UTF-8 JSON; a lone surrogate stored before the API refused them is escaped instead of failing the answer."""

    ensure_ascii = False
    sort_keys = False

    def dumps(self, obj, **kwargs) -> str:
        text = super().dumps(obj, **kwargs)
        if UNSTORABLE.search(text):
            text = super().dumps(obj, **{**kwargs, "ensure_ascii": True})
        return text


def create_app(config: dict | None = None, checker=None) -> Flask:
    """Defaults, then PREFLIGHT_* environment variables, then `config` (how tests configure it).

    `checker`: packs already compiled (the tests share one); None loads RULES_DIR.
    """
    app = Flask(__name__, static_folder=None)  # the playground blueprint serves /static
    app.request_class = StrictRequest
    app.json = JsonProvider(app)
    load_config(app, config)
    service = Service(app.config, checker)
    app.extensions["preflight"] = service
    errors.init_app(app)
    metrics.init_app(app, service.metrics)
    init_limits(app)
    init_cors(app)
    app.after_request(close_after_unread_body)
    app.before_request(service.sync.poll)

    from preflight.http.playground import bp as playground
    from preflight.http.views_approvals import bp as approvals
    from preflight.http.views_check import bp as check
    from preflight.http.views_health import bp as health
    from preflight.http.views_crisis import bp as crisis
    from preflight.http.views_overrides import bp as overrides
    from preflight.http.views_images import bp as images
    from preflight.http.views_packs import bp as packs
    from preflight.http.views_preview import bp as preview
    from preflight.http.views_reports import bp as reports
    from preflight.http.views_approvals_page import bp as approvals_page

    for blueprint in (check, packs, health, playground, overrides, crisis, reports, images, preview, approvals,
                      approvals_page):
        app.register_blueprint(blueprint)
    return app


def init_limits(app: Flask) -> Limiter:
    """Per-key limits; shared through Redis when configured, else per process."""
    limiter = Limiter(
        key_func=rate_limit_key,
        default_limits=[app.config["RATE_LIMIT"]],
        storage_uri=app.config["REDIS_URL"] or f"{MEMORY_SCHEME}://",
        in_memory_fallback_enabled=bool(app.config["REDIS_URL"]),
        key_prefix=app.config["REDIS_KEY_PREFIX"],
        # A Redis that stops answering must not hold requests up: after this, limits fall back per process.
        storage_options={"socket_connect_timeout": REDIS_TIMEOUT_S, "socket_timeout": REDIS_TIMEOUT_S},
        headers_enabled=True,
        strategy="fixed-window",
    )
    limiter.request_filter(lambda: request.path == "/" or request.path.startswith(UNLIMITED_PREFIXES))
    limiter.init_app(app)
    app.extensions["preflight_limiter"] = limiter
    return limiter


def init_cors(app: Flask) -> None:
    """CORS only for configured origins: the extension calls from its worker and needs none."""
    @app.after_request
    def cors(response):
        origin = request.headers.get("Origin")
        if origin and origin in app.config["CORS_ORIGINS"]:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, PATCH, DELETE"
            response.headers["Vary"] = "Origin"
        return response


def close_after_unread_body(response):
    """Ask to close the connection when a refused request may have left its body unread."""
    if response.status_code in UNREAD_BODY_STATUSES and (request.content_length or request.headers.get("Transfer-Encoding")):
        response.headers["Connection"] = "close"
    return response
