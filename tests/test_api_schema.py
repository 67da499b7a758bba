"""Schemathesis over /openapi.json: generated requests never get a 5xx, answers match the document."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import RULES

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Reloading the packs a hundred times proves nothing more; tests/test_api.py covers it.
SKIPPED = {("POST", "/v1/packs/reload")}
EXAMPLES = 150
# Each preview compiles a rules directory: fewer examples say as much.
FEWER = {("POST", "/v1/packs/preview"): 25}
APPROVAL_OPERATIONS = [
    ("POST", "/v1/approvals"), ("GET", "/v1/approvals"), ("GET", "/v1/approvals/{approval_id}"),
    ("POST", "/v1/approvals/{approval_id}/decision"), ("PUT", "/v1/crisis/team"), ("GET", "/v1/webhooks/deliveries"),
    ("GET", "/v1/reports/approvals"),
]
FEWER.update(dict.fromkeys(APPROVAL_OPERATIONS, 40))
OPERATIONS = [
    ("POST", "/v1/check"), ("POST", "/v1/check/batch"), ("GET", "/v1/packs"), ("GET", "/v1/packs/{pack_id}"),
    ("GET", "/v1/profiles"), ("POST", "/v1/images/references"), ("GET", "/v1/images/references"),
    ("GET", "/v1/images/references/{ref_id}"), ("PATCH", "/v1/images/references/{ref_id}"),
    ("DELETE", "/v1/images/references/{ref_id}"), ("GET", "/v1/images/references/{ref_id}/thumbnail"),
    ("POST", "/v1/overrides"), ("GET", "/v1/overrides"), ("GET", "/v1/crisis"), ("PUT", "/v1/crisis"), ("GET", "/v1/events"),
    ("POST", "/v1/events"), ("DELETE", "/v1/events/{event_id}"), ("GET", "/v1/reports/rules"),
    ("POST", "/v1/packs/preview"), *APPROVAL_OPERATIONS,
]


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory, checker):
    """An app of its own: generated requests switch crisis mode on and add events, which other tests must not see."""
    from preflight.http.app import create_app

    db = tmp_path_factory.mktemp("schema") / "preflight.db"
    app = create_app({"DATABASE_URL": f"sqlite:///{db}", "RULES_DIR": str(RULES), "RATE_LIMIT": "10000 per second"}, checker=checker)
    service = app.extensions["preflight"]
    yield app, service.store.create_key("fuzz-admin", "admin")
    service.recorder.flush()
    service.store.dispose()


def operations(app):
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("method,path", OPERATIONS)
def test_generated_requests(fuzzed, method, path):
    app, key = fuzzed
    operation = next(op for op in operations(app) if (op.method.upper(), op.path) == (method, path))

    @given(case=operation.as_strategy())
    @settings(max_examples=FEWER.get((method, path), EXAMPLES), deadline=None, suppress_health_check=list(HealthCheck),
              database=None)
    def run(case):
        case.call_and_validate(headers={"Authorization": f"Bearer {key}"}, checks=CHECKS)

    run()


def test_every_documented_operation_is_exercised(fuzzed):
    assert {(op.method.upper(), op.path) for op in operations(fuzzed[0])} - SKIPPED == set(OPERATIONS)
