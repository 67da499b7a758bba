"""`preflight serve`: the API under gunicorn, packs compiled once before the workers fork."""
from __future__ import annotations

import gc
import json
import logging
import os
import tempfile

from gunicorn.app.base import BaseApplication


class JsonFormatter(logging.Formatter):
    """One JSON object per line; the post text appears only if PREFLIGHT_STORE_TEXT is on."""

    FIELDS = ("check_id", "verdict", "key", "findings", "text")

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record), "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        entry.update({name: getattr(record, name) for name in self.FIELDS if hasattr(record, name)})
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging() -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("preflight")
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    root.propagate = False


class Server(BaseApplication):
    def __init__(self, options: dict) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from preflight.packs.cache import paused_gc

        with paused_gc():
            from preflight.http.app import create_app

            app = create_app()
            service = app.extensions.get("preflight")
            if service is not None:
                service.checker.unpack()
        # What the master built lives as long as the workers: their collections skip it, so they
        # neither spend time walking it nor write to its pages, which stay shared with the master.
        gc.freeze()
        return app


def serve(host: str, port: int, workers: int, threads: int = 4) -> None:
    # Workers write metrics to files that /metrics adds up; the variable must be set
    # before prometheus_client is imported anywhere.
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="preflight-metrics-"))
    configure_logging()
    Server({
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "preflight.http.worker.JsonThreadWorker",
        "threads": threads,
        "preload_app": True,  # compile the packs once; workers share them copy-on-write
        "keepalive": 5,
        "timeout": 30,
        "accesslog": None,
        "loglevel": "warning",
    }).run()
