"""Outgoing webhooks about approval requests: created, decided, expired.

Each configured hook gets a message it can show as it is: Slack's incoming webhooks read Block Kit
(`text` + `blocks`), Microsoft Teams' read a message with an Adaptive Card, anything else a plain
JSON event. The body is signed (`X-Preflight-Signature: sha256=<HMAC-SHA256 of the body>`) with
the hook's secret. One background thread per process delivers, retrying with exponential back-off:
a slow or failing receiver never holds up a check or a request. The text of the post is never sent,
only what an approver needs to open the request: who asks, the verdict, the rules and the note.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import queue
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from preflight.background import ProcessThread

log = logging.getLogger("preflight.governance.webhooks")
FORMATS = ("slack", "teams", "json")
HEADLINES = {"created": "Approval requested", "decided": "Approval decided", "expired": "Approval request expired"}
ERROR_CHARS = 500
RULES_SHOWN = 10


@dataclass(frozen=True)
class Hook:
    url: str
    format: str = "json"
    secret: str = ""


def parse_hooks(value) -> list[Hook]:
    """The hooks of the WEBHOOKS setting: a JSON list (or the list itself) of {url, format, secret}; raises ValueError."""
    if not value:
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValueError(f"WEBHOOKS is not JSON: {exc.msg} at character {exc.pos}") from None
    if not isinstance(value, list):
        raise ValueError("WEBHOOKS must be a JSON list of {\"url\", \"format\", \"secret\"} objects")
    hooks = []
    for index, entry in enumerate(value):
        if not isinstance(entry, dict) or set(entry) - {"url", "format", "secret"}:
            raise ValueError(f"WEBHOOKS[{index}] must be an object with url, format (slack, teams or json) and secret")
        url, form, secret = entry.get("url"), entry.get("format", "json"), entry.get("secret", "")
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"WEBHOOKS[{index}].url must be an http:// or https:// URL")
        if form not in FORMATS:
            raise ValueError(f"WEBHOOKS[{index}].format must be one of {', '.join(FORMATS)}, not {form!r}")
        if not isinstance(secret, str):
            raise ValueError(f"WEBHOOKS[{index}].secret must be a string")
        hooks.append(Hook(url, form, secret))
    return hooks


def summary(event: str, approval: dict) -> dict:
    """What every format says: the event and the request without its text."""
    return {
        "event": f"approval.{event}", "id": approval["id"], "state": approval["state"], "verdict": approval["verdict"],
        "requested_by": approval["requested_by"], "requested_at": approval["requested_at"].isoformat(),
        "expires_at": approval["expires_at"].isoformat(), "note": approval["note"], "crisis": approval["crisis"],
        "rules": sorted({f["rule"] for f in approval["findings"]}),
        "decisions": [{"by": d["by"], "decision": d["decision"], "comment": d["comment"], "at": d["at"].isoformat()}
                      for d in approval["decisions"]],
    }


def headline(event: str, facts: dict) -> str:
    line = f"{HEADLINES[event]}: {facts['id']} by {facts['requested_by']} ({facts['verdict']})"
    if event == "decided":
        line += f", now {facts['state']}" + (f" by {facts['decisions'][-1]['by']}" if facts["decisions"] else "")
    return line


def details(facts: dict) -> list[tuple[str, str]]:
    rules = facts["rules"]
    shown = ", ".join(rules[:RULES_SHOWN]) + (f" and {len(rules) - RULES_SHOWN} more" if len(rules) > RULES_SHOWN else "")
    rows = [("Rules", shown or "-"), ("Expires", facts["expires_at"])]
    if facts["note"]:
        rows.append(("Note", facts["note"]))
    if facts["decisions"] and facts["decisions"][-1]["comment"]:
        rows.append(("Comment", facts["decisions"][-1]["comment"]))
    return rows


def payload(form: str, event: str, approval: dict) -> dict:
    """The body for a hook of format `form` (slack, teams or json)."""
    facts = summary(event, approval)
    title = headline(event, facts)
    if form == "json":
        return facts
    if form == "slack":
        fields = [{"type": "mrkdwn", "text": f"*{name}*\n{value}"} for name, value in details(facts)]
        return {"text": title, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": title}},
                                          {"type": "section", "fields": fields}]}
    card = {"type": "AdaptiveCard", "$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "version": "1.4",
            "body": [{"type": "TextBlock", "text": title, "weight": "Bolder", "wrap": True},
                     {"type": "FactSet", "facts": [{"title": name, "value": value} for name, value in details(facts)]}]}
    return {"type": "message", "text": title,
            "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}]}


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


class Dispatcher:
    """Queues notifications and delivers them from one thread per process; `log` records each delivery's fate."""

    def __init__(self, hooks: list[Hook], log_store, attempts: int = 5, backoff: float = 2.0, timeout: float = 5.0) -> None:
        self.hooks = hooks
        self._log = log_store
        self._attempts = max(1, attempts)
        self._backoff = backoff
        self._timeout = timeout
        self._queue: queue.Queue = queue.Queue()
        self._worker = ProcessThread(self._run, "preflight-webhooks")

    def notify(self, event: str, approval: dict) -> None:
        """Queue `event` for every hook; returns at once."""
        for hook in self.hooks:
            body = json.dumps(payload(hook.format, event, approval), ensure_ascii=False).encode("utf-8")
            try:
                delivery = self._log.add_delivery(event, approval["id"], hook.url, hook.format)
            except Exception as exc:  # the log is for admins; the notification still goes
                log.warning("cannot log a webhook delivery: %s", type(exc).__name__)
                delivery = None
            self._worker.ensure()
            self._queue.put((hook, body, delivery))

    def _run(self) -> None:
        while True:
            hook, body, delivery = self._queue.get()
            try:
                self._deliver(hook, body, delivery)
            finally:
                self._queue.task_done()

    def _deliver(self, hook: Hook, body: bytes, delivery: int | None) -> None:
        error = None
        for attempt in range(1, self._attempts + 1):
            error = self._post(hook, body)
            if error is None:
                self._record(delivery, "delivered", attempt, None)
                return
            self._record(delivery, "retrying" if attempt < self._attempts else "failed", attempt, error)
            if attempt < self._attempts:
                time.sleep(self._backoff * 2 ** (attempt - 1))
        log.warning("webhook %s failed after %d attempts: %s", hook.url, self._attempts, error)

    def _post(self, hook: Hook, body: bytes) -> str | None:
        """None when the receiver took it (2xx), else what went wrong."""
        headers = {"Content-Type": "application/json", "User-Agent": "preflight-webhooks"}
        if hook.secret:
            headers["X-Preflight-Signature"] = signature(hook.secret, body)
        request = urllib.request.Request(hook.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                response.read(1024)
                return None
        except urllib.error.HTTPError as exc:
            return f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError, ValueError) as exc:
            return f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"[:ERROR_CHARS]

    def _record(self, delivery: int | None, status: str, attempts: int, error: str | None) -> None:
        if delivery is None:
            return
        try:
            self._log.update_delivery(delivery, status, attempts, error)
        except Exception as exc:
            log.warning("cannot log a webhook delivery: %s", type(exc).__name__)

    def flush(self, timeout: float = 30.0) -> bool:
        """Wait until everything queued is delivered or given up; False if `timeout` seconds were not enough."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)
        return True
