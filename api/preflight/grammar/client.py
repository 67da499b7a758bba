"""A client for a LanguageTool server's HTTP API (/v2/check, /v2/languages): short timeout, circuit breaker."""
from __future__ import annotations

import json
import os
import re
import threading
import time
import weakref
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlencode

import urllib3
from urllib3.exceptions import HTTPError, NewConnectionError, ProtocolError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

from preflight.grammar.breaker import CircuitBreaker

MAX_ANSWER_BYTES = 4 * 2**20
LANGUAGES_TTL = 3600.0
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}


class GrammarUnavailable(Exception):
    """LanguageTool could not check this text; the message is the reason given in the response's `skipped`."""

    def __init__(self, reason: str, *, server_fault: bool = True) -> None:
        super().__init__(reason)
        self.server_fault = server_fault  # False: the server is healthy, it just cannot check this text


@dataclass(frozen=True, slots=True)
class LanguageToolMatch:
    """One match as LanguageTool reports it; offset and length count UTF-16 code units (Java strings)."""

    offset: int
    length: int
    message: str
    replacements: tuple[str, ...]
    rule_id: str
    category: str


@dataclass(frozen=True, slots=True)
class LanguageToolAnswer:
    version: str
    matches: tuple[LanguageToolMatch, ...]


class LanguageToolClient:
    """Thread-safe; one per process. Every failure mode ends in GrammarUnavailable, within `timeout` seconds."""

    def __init__(self, url: str, timeout: float = 0.5, breaker: CircuitBreaker | None = None) -> None:
        self.base = url.rstrip("/") + "/v2/"
        self.timeout = float(timeout)
        self.breaker = breaker or CircuitBreaker()
        self._pool_lock = threading.Lock()
        self._pool: urllib3.PoolManager | None = None
        self._languages: tuple[float, frozenset[str]] | None = None
        # gunicorn forks after the service is built: a child must open its own connections.
        os.register_at_fork(after_in_child=partial(forget_inherited_connections, weakref.ref(self)))

    def check(self, text: str, language: str) -> LanguageToolAnswer:
        """LanguageTool's matches for `text` in `language` (e.g. en-GB); raises GrammarUnavailable."""
        if not self.breaker.allow():
            raise GrammarUnavailable(f"LanguageTool failed {self.breaker.failures} times in a row; "
                                     f"it is tried again in {self.breaker.retry_in():.0f} s")
        healthy = False
        deadline = time.monotonic() + self.timeout  # for the whole exchange, the language list included
        try:
            code = self._language_code(language, deadline)
            body = self._request("POST", "check", deadline, {"text": LONE_SURROGATE.sub("\ufffd", text), "language": code})
            answer = parse_check(body, utf16_length(text))
            healthy = True
            return answer
        except GrammarUnavailable as exc:
            healthy = not exc.server_fault
            raise
        finally:
            if healthy:
                self.breaker.succeeded()
            else:
                self.breaker.failed()

    def _language_code(self, wanted: str, deadline: float) -> str:
        """`wanted` if the server knows it, else its base language (sv-SE → sv), else GrammarUnavailable."""
        cached = self._languages
        if cached is None or time.monotonic() > cached[0]:
            cached = (time.monotonic() + LANGUAGES_TTL, parse_languages(self._request("GET", "languages", deadline)))
            self._languages = cached
        base = wanted.split("-")[0]
        for code in (wanted, base):
            if code in cached[1]:
                return code
        raise GrammarUnavailable(f"this LanguageTool server does not check {wanted}", server_fault=False)

    def _request(self, method: str, path: str, deadline: float, fields: dict | None = None) -> bytes:
        try:
            body = urlencode(fields).encode("utf-8") if fields is not None else None
            response = self._connections().request(
                method, self.base + path, body=body, headers=FORM if body is not None else None, preload_content=False,
                timeout=urllib3.Timeout(total=max(0.001, deadline - time.monotonic())), retries=False, redirect=False)
            try:
                body = read_before(response, deadline)
            finally:
                response.release_conn()
        except NewConnectionError:  # before the timeout: urllib3 makes it a kind of ConnectTimeoutError
            raise GrammarUnavailable("LanguageTool is unreachable (the connection was refused)") from None
        except Urllib3Timeout:
            raise GrammarUnavailable(f"LanguageTool did not answer within {self.timeout:g} s") from None
        except ProtocolError:
            raise GrammarUnavailable("LanguageTool closed the connection without answering") from None
        except (HTTPError, OSError) as exc:
            raise GrammarUnavailable(f"LanguageTool could not be asked ({type(exc).__name__})") from None
        if response.status >= 500:
            raise GrammarUnavailable(f"LanguageTool answered HTTP {response.status}")
        if response.status != 200:
            detail = body[:200].decode("utf-8", "replace").splitlines()[0] if body.strip() else ""
            raise GrammarUnavailable(f"LanguageTool refused the text (HTTP {response.status}{': ' + detail if detail else ''})",
                                     server_fault=False)
        return body

    def _connections(self) -> urllib3.PoolManager:
        with self._pool_lock:
            if self._pool is None:
                self._pool = urllib3.PoolManager(num_pools=2, maxsize=16, block=False)
            return self._pool

    def forget_connections(self) -> None:
        with self._pool_lock:
            self._pool = None

    def close(self) -> None:
        """Close the pooled connections (new ones are opened if the client is used again)."""
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.clear()


def forget_inherited_connections(client_ref: weakref.ref) -> None:
    client = client_ref()
    if client is not None:
        client.forget_connections()


def read_before(response, deadline: float) -> bytes:
    """The whole body, unless it is too big or arrives too slowly (a trickle must not hold a check)."""
    chunks, size = [], 0
    while True:
        chunk = response.read(65536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise GrammarUnavailable("LanguageTool's answer is too large")
        if time.monotonic() > deadline:
            raise Urllib3Timeout()
        chunks.append(chunk)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def garbage(why: str) -> GrammarUnavailable:
    return GrammarUnavailable(f"LanguageTool's answer is not a check result ({why})")


def load_json(body: bytes):
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise garbage("not JSON") from None


def parse_languages(body: bytes) -> frozenset[str]:
    data = load_json(body)
    if not isinstance(data, list) or not all(isinstance(e, dict) for e in data):
        raise garbage("the language list is not a list of languages")
    return frozenset(code for e in data for code in (e.get("code"), e.get("longCode")) if isinstance(code, str))


def parse_check(body: bytes, units: int) -> LanguageToolAnswer:
    """The answer's matches, checked for shape and for offsets inside the text sent (`units` UTF-16 code units)."""
    data = load_json(body)
    matches = data.get("matches") if isinstance(data, dict) else None
    if not isinstance(matches, list):
        raise garbage("no list of matches")
    software = data.get("software")
    version = software.get("version") if isinstance(software, dict) else None
    return LanguageToolAnswer(version if isinstance(version, str) else "unknown",
                              tuple(parse_match(m, units) for m in matches))


def parse_match(match, units: int) -> LanguageToolMatch:
    if not isinstance(match, dict):
        raise garbage("a match is not an object")
    offset, length = match.get("offset"), match.get("length")
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in (offset, length)):
        raise garbage("a match without offset and length")
    if offset < 0 or length < 0 or offset + length > units:
        raise garbage(f"a match at {offset}+{length} outside the text")
    rule = match.get("rule")
    category = rule.get("category") if isinstance(rule, dict) else None
    if not isinstance(category, dict) or not isinstance(rule.get("id"), str) or not isinstance(category.get("id"), str):
        raise garbage("a match without rule and category ids")
    message = match.get("message")
    replacements = match.get("replacements")
    values = tuple(r["value"] for r in replacements if isinstance(r, dict) and isinstance(r.get("value"), str)) \
        if isinstance(replacements, list) else ()
    return LanguageToolMatch(offset, length, " ".join(message.split()) if isinstance(message, str) else "",
                             values, rule["id"], category["id"])
