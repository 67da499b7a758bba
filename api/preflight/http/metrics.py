"""Prometheus metrics: requests and latency per endpoint, verdicts, findings per pack."""
from __future__ import annotations

import os
import time

from flask import Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import multiprocess

BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter("preflight_http_requests", "HTTP requests", ["endpoint", "method", "status"], registry=self.registry)
        self.latency = Histogram("preflight_http_request_seconds", "HTTP request latency", ["endpoint"], buckets=BUCKETS, registry=self.registry)
        self.verdicts = Counter("preflight_verdicts", "Check verdicts", ["verdict"], registry=self.registry)
        self.findings = Counter("preflight_findings", "Findings per pack", ["pack", "severity"], registry=self.registry)

    def observe_report(self, report: dict) -> None:
        self.verdicts.labels(report["verdict"]).inc()
        for finding in report["findings"]:
            self.findings.labels(finding["pack"], finding["severity"]).inc()

    def exposition(self) -> Response:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            # Several gunicorn workers: add up what every worker wrote to its files.
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
        return Response(generate_latest(self.registry), mimetype=CONTENT_TYPE_LATEST)


def init_app(app, metrics: Metrics) -> None:
    @app.before_request
    def start_timer():
        g.started = time.perf_counter()

    @app.after_request
    def observe(response):
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        metrics.requests.labels(endpoint, request.method, str(response.status_code)).inc()
        if "started" in g:
            metrics.latency.labels(endpoint).observe(time.perf_counter() - g.started)
        return response

    app.add_url_rule("/metrics", "metrics", metrics.exposition)
