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

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Reloading the packs a hundred times proves nothing more; tests/test_api.py covers it.
SKIPPED = {"/v1/packs/reload"}
EXAMPLES = 150


def operations(app):
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("path", ["/v1/check", "/v1/check/batch", "/v1/packs", "/v1/packs/{pack_id}", "/v1/profiles"])
def test_generated_requests(api, keys, path):
    operation = next(op for op in operations(api) if op.path == path)
    headers = {"Authorization": f"Bearer {keys['admin']}"}

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


def test_every_documented_operation_is_exercised(api):
    assert {op.path for op in operations(api)} - SKIPPED == {
        "/v1/check", "/v1/check/batch", "/v1/packs", "/v1/packs/{pack_id}", "/v1/profiles",
        "/v1/images/references", "/v1/images/references/{ref_id}", "/v1/images/references/{ref_id}/thumbnail"}
