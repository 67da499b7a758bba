"""Every error on the API is JSON: {"error": {"code", "message", "details"}}."""
from __future__ import annotations

import logging

from flask import jsonify
from sqlalchemy.exc import InterfaceError, OperationalError, TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException

from preflight.errors import InputError, PreflightError, TextTooLongError


log = logging.getLogger("preflight.api")
# Seconds a client should wait before trying again after the database failed to answer.
DATABASE_RETRY_AFTER_S = 5


class ApiError(Exception):
    """An error the client can act on, with its HTTP status."""

    def __init__(self, status: int, code: str, message: str, details: list | None = None, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or []
        self.headers = headers or {}


CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    413: "too_large", 415: "unsupported_media_type", 422: "invalid_request", 429: "rate_limited",
    500: "internal_error", 503: "unavailable",
}


def error_response(status: int, code: str, message: str, details: list | None = None, headers: dict | None = None):
    response = jsonify({"error": {"code": code, "message": message, "details": details or []}})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def init_app(app) -> None:
    @app.errorhandler(ApiError)
    def api_error(exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)

    @app.errorhandler(InputError)
    def input_error(exc: InputError):
        status = 413 if isinstance(exc, TextTooLongError) else 422
        return error_response(status, exc.code, str(exc), [{"field": exc.field}])

    @app.errorhandler(PreflightError)
    def engine_error(exc: PreflightError):
        return error_response(500, exc.code, str(exc))

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PoolTimeoutError)
    def database_unavailable(exc: Exception):
        # Unreachable, too slow (statement or lock timeout) or out of connections: the request may succeed later.
        log.warning("database unavailable: %s", " ".join(str(getattr(exc, "orig", None) or exc).split())[:500])
        return error_response(503, "database_unavailable", "the database did not answer in time; try again shortly",
                              headers={"Retry-After": str(DATABASE_RETRY_AFTER_S)})

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        message = exc.description or exc.name
        if status == 413:
            message = f"the request body is larger than the limit of {app.config['MAX_CONTENT_LENGTH']:,} bytes"
        headers = {k: v for k, v in exc.get_headers() if k.lower() in ("allow", "retry-after")}
        return error_response(status, CODES.get(status, "http_error"), message, headers=headers)
