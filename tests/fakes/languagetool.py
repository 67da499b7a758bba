"""A LanguageTool server for tests: the /v2 protocol on 127.0.0.1, recorded-style answers, and ways to misbehave."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

ANSWERS = json.loads((Path(__file__).with_name("languagetool_answers.json")).read_text(encoding="utf-8"))
SOFTWARE = {"name": "LanguageTool", "version": "6.4", "buildDate": "2024-03-28 11:50:08 +0000", "apiVersion": 1,
            "premium": False, "premiumHint": "You might be missing errors only the Premium version can find.", "status": ""}
LANGUAGES = [
    {"name": "Danish", "code": "da", "longCode": "da-DK"},
    {"name": "Dutch", "code": "nl", "longCode": "nl-NL"},
    {"name": "Dutch (Belgium)", "code": "nl", "longCode": "nl-BE"},
    {"name": "English", "code": "en", "longCode": "en"},
    {"name": "English (GB)", "code": "en", "longCode": "en-GB"},
    {"name": "English (US)", "code": "en", "longCode": "en-US"},
    {"name": "German", "code": "de", "longCode": "de"},
    {"name": "German (Germany)", "code": "de", "longCode": "de-DE"},
    {"name": "Swedish", "code": "sv", "longCode": "sv"},
]
# How the server answers /v2/check: "ok", or one way of failing.
MODES = ("ok", "slow", "html", "wrong-shape", "outside-text", "500", "close")


class FakeLanguageTool:
    """Start with `with FakeLanguageTool() as lt:`; set `lt.mode`; `lt.checks` lists the check requests received."""

    def __init__(self, languages: list[dict] | None = None) -> None:
        self.mode = "ok"
        self.languages = LANGUAGES if languages is None else languages
        self.checks: list[dict] = []
        self.language_requests = 0
        self.release = threading.Event()  # ends the wait of "slow" answers
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeLanguageTool:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def answer(self, text: str, language: str) -> dict:
        recorded = next((a for a in ANSWERS if a["text"] == text), None)
        matches = recorded["matches"] if recorded else []
        name = next((entry["name"] for entry in self.languages if language in (entry["code"], entry["longCode"])), language)
        return {"software": SOFTWARE, "warnings": {"incompleteResults": False},
                "language": {"name": name, "code": language,
                             "detectedLanguage": {"name": name, "code": language, "confidence": 0.98, "source": "ngram"}},
                "matches": matches, "sentenceRanges": [[0, len(text.encode("utf-16-le")) // 2]]}


def handler_for(fake: FakeLanguageTool):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms wait for an ACK

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            if self.path.split("?")[0] != "/v2/languages":
                return self.send(404, b"Not found", "text/plain")
            fake.language_requests += 1
            self.send(200, json.dumps(fake.languages).encode(), "application/json")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode("utf-8"), keep_blank_values=True).items()}
            if self.path != "/v2/check":
                return self.send(404, b"Not found", "text/plain")
            fake.checks.append(form)
            mode = fake.mode
            if mode == "close":
                self.close_connection = True
                return
            if mode == "500":
                return self.send(500, b"Error: Internal Error: java.lang.OutOfMemoryError", "text/plain")
            if mode == "html":
                return self.send(200, b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html")
            if mode == "slow":
                fake.release.wait(10)
            language = form.get("language", "")
            if not any(language in (e["code"], e["longCode"]) for e in fake.languages):
                return self.send(400, f"Error: '{language}' is not a language code known to LanguageTool.".encode(), "text/plain")
            answer = fake.answer(form.get("text", ""), language)
            if mode == "wrong-shape":
                answer["matches"] = {"count": len(answer["matches"])}
            if mode == "outside-text":
                answer["matches"] = [{**m, "offset": m["offset"] + 10_000} for m in answer["matches"]]
            self.send(200, json.dumps(answer, ensure_ascii=False).encode("utf-8"), "application/json")

        def send(self, status: int, body: bytes, content_type: str) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", f"{content_type}; charset=UTF-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up waiting, as it should on a slow answer

    return Handler
