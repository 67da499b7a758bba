"""The gunicorn worker of `preflight serve`: gthread, with the API's JSON errors and connection handling.

gunicorn answers the requests it cannot parse (a request line or header over its limits, a broken
header) itself, in HTML; here they get the API's JSON error body. And gunicorn drops a
`Connection: close` set by the application: here it closes the connection as asked, so a body the
application refused without reading is not taken for the next request.
"""
from __future__ import annotations

import json

from gunicorn.http.errors import (
    ChunkMissingTerminator, InvalidChunkExtension, InvalidChunkSize, InvalidHeader, InvalidHeaderName, InvalidHTTPVersion,
    InvalidRequestLine, InvalidRequestMethod, InvalidResponseHeader, InvalidResponseHeaderName, LimitRequestHeaders,
    LimitRequestLine, ObsoleteFolding,
)
from gunicorn.util import write_nonblock
from gunicorn.workers.gthread import ThreadWorker

from preflight.http.errors import CODES

LIMITS = {
    LimitRequestLine: (414, "URI Too Long", "uri_too_long", "the request line (method and URL) is too long"),
    LimitRequestHeaders: (431, "Request Header Fields Too Large", "headers_too_large",
                          "a request header, or the headers together, are too large"),
}
MALFORMED = (InvalidRequestLine, InvalidRequestMethod, InvalidHTTPVersion, InvalidHeader, InvalidHeaderName,
             ObsoleteFolding, InvalidChunkSize, ChunkMissingTerminator, InvalidChunkExtension)
# The application's own bad headers: gunicorn answers 500 for those, rightly.
APPLICATION_FAULTS = (InvalidResponseHeader, InvalidResponseHeaderName)


class JsonThreadWorker(ThreadWorker):
    def load_wsgi(self) -> None:
        super().load_wsgi()
        # Before the worker answers anything: so that its first check is as fast as the rest, and a /readyz
        # it answers means that. A request arriving meanwhile goes to a worker already warm, or waits in the queue.
        service = self.wsgi.extensions.get("preflight")
        if service is not None:
            service.checker.warm()
        self.wsgi = closing_on_request(self.wsgi)

    def handle_error(self, req, client, addr, exc) -> None:
        if not isinstance(exc, (*LIMITS, *MALFORMED)) or isinstance(exc, APPLICATION_FAULTS):
            return super().handle_error(req, client, addr, exc)
        status, reason, code, message = next(
            (v for k, v in LIMITS.items() if isinstance(exc, k)),
            (400, "Bad Request", CODES[400], f"the request cannot be parsed: {exc}"))
        self.log.warning("invalid request from %s: %s", (addr or ("",))[0], exc)
        body = json.dumps({"error": {"code": code, "message": message, "details": []}}).encode()
        head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode("latin-1")
        try:
            write_nonblock(client, head + body)
        except OSError:
            self.log.debug("could not send the error answer")


def closing_on_request(app):
    """Close the connection after an answer that says `Connection: close` (gunicorn treats it as hop-by-hop and drops it)."""

    def wrapped(environ, start_response):
        def start(status, headers, exc_info=None):
            if any(k.lower() == "connection" and v.lower() == "close" for k, v in headers):
                force_close = getattr(getattr(start_response, "__self__", None), "force_close", None)
                if force_close is not None:
                    force_close()
            return start_response(status, headers, exc_info)

        return app(environ, start)

    return wrapped
