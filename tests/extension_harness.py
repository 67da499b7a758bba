"""Shared pieces of the extension's browser tests: a live API, Chromium with the extension, routed fixture sites."""
from __future__ import annotations

import io
import json
import shutil
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import make_server

from .conftest import ROOT, RULES, session_checker

CHROMIUM = "/usr/bin/chromium"
EXTENSION = ROOT / "extension"
FIXTURES = ROOT / "tests" / "extension_fixtures"
ARTIFACTS = ROOT / "tests" / "artifacts" / "extension"
WAIT_MS = 30_000  # generous: the machine may be busy; a passing wait returns at once
CLOSED_ROOT = 'attachShadow({ mode: "closed" })'


def inspectable_copy() -> Path:
    """The extension with its overlay's shadow root open, for the test pages only: locators cannot see into a closed one."""
    copy = Path(tempfile.mkdtemp(prefix="preflight-extension-")) / "extension"
    shutil.copytree(EXTENSION, copy, ignore=shutil.ignore_patterns("test"))
    ui = copy / "content" / "ui.js"
    source = ui.read_text(encoding="utf-8")
    assert source.count(CLOSED_ROOT) == 1, "the overlay attaches one closed shadow root"
    ui.write_text(source.replace(CLOSED_ROOT, 'attachShadow({ mode: "open" })'), encoding="utf-8")
    return copy


LOADED = inspectable_copy()
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                 f"--disable-extensions-except={LOADED}", f"--load-extension={LOADED}"]
# Each supported site's composer page is served from a fixture, so the content scripts' real match patterns apply.
SITES = {"https://x.com/": "x.html", "https://www.threads.net/": "threads.html"}


class RequestLog:
    """WSGI middleware keeping each POST to `paths`: (path, request JSON, status, response JSON)."""

    def __init__(self, app, paths: tuple[str, ...]):
        self.app = app
        self.paths = paths
        self.entries: list[tuple[str, dict, int, dict]] = []

    def of(self, path: str) -> list[tuple[dict, int, dict]]:
        return [(req, status, body) for p, req, status, body in self.entries if p == path]

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO")
        if not (path in self.paths and environ.get("REQUEST_METHOD") == "POST"):
            return self.app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(raw)
        seen = {}

        def remember(status, headers, exc_info=None):
            seen["status"] = int(status.split()[0])
            return start_response(status, headers, exc_info)

        body = b"".join(self.app(environ, remember))
        self.entries.append((path, parse(raw), seen["status"], parse(body)))
        return [body]


def parse(raw: bytes) -> dict:
    try:
        return json.loads(raw)
    except ValueError:
        return {}


class LiveApi:
    """The real app on 127.0.0.1 and a free port, in a thread; `stop()` makes it unreachable."""

    def __init__(self, db: Path, rules: Path = RULES):
        from preflight.http.app import create_app

        # The bundled packs come compiled from the session; another rules directory is compiled here.
        checker = session_checker() if rules == RULES else None
        self.app = create_app({"DATABASE_URL": f"sqlite:///{db}", "RULES_DIR": str(rules)}, checker=checker)
        self.service = self.app.extensions["preflight"]
        self.key = self.service.store.create_key("extension", "check")
        self.requests = RequestLog(self.app.wsgi_app, ("/v1/check", "/v1/overrides"))
        self.app.wsgi_app = self.requests
        self.httpd = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="extension-api", daemon=True)
        self.thread.start()
        self.running = True

    def stop(self) -> None:
        if not self.running:
            return
        self.running = False
        self.httpd.shutdown()
        self.thread.join(timeout=5)
        self.httpd.server_close()

    def close(self) -> None:
        self.stop()
        # the recorder writes from its own thread: let it finish before the database goes away
        self.service.recorder.flush()
        self.service.store.dispose()


def route_fixtures(context) -> None:
    """Fixture pages for the supported sites; loopback passes; every other request is refused."""

    def handle(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "http://localhost", "chrome-extension://", "data:", "blob:")):
            return route.continue_()
        for prefix, page in SITES.items():
            if url.startswith(prefix):
                path = url[len(prefix):].split("?")[0]
                if path.startswith("static/"):
                    return route.fulfill(path=str(FIXTURES / path.removeprefix("static/")), content_type="text/javascript")
                return route.fulfill(path=str(FIXTURES / page), content_type="text/html; charset=utf-8")
        return route.abort()

    context.route("**/*", handle)


def scheduler_page(context, origin: str) -> None:
    """A scheduling tool's textarea composer, served at `origin` (a loopback origin the extension may use)."""
    context.route(f"{origin}/compose", lambda route: route.fulfill(path=str(FIXTURES / "scheduler.html"),
                                                                   content_type="text/html; charset=utf-8"))


def screenshot(page, name: str, clip: dict | None = None) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), clip=clip)
    return path
