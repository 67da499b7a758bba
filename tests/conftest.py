"""Shared fixtures: one engine with the bundled packs, built once per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

from preflight import Checker
from preflight.analyzer import Analyzer

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    return Analyzer()


@pytest.fixture(scope="session")
def checker(analyzer) -> Checker:
    return Checker.from_directory(RULES, analyzer=analyzer)


@pytest.fixture()
def pack_checker(analyzer, tmp_path):
    """A checker over one pack written in the test (YAML text), sharing the session's analyzer."""

    def build(text: str) -> Checker:
        (tmp_path / "pack.yaml").write_text(text, encoding="utf-8")
        return Checker.from_directory(tmp_path, analyzer=analyzer)

    return build


def rule_ids(report) -> list[str]:
    return [f.rule for f in report.findings]


@pytest.fixture(scope="session")
def api(tmp_path_factory):
    from preflight.http.app import create_app

    db = tmp_path_factory.mktemp("api") / "preflight.db"
    return create_app({"DATABASE_URL": f"sqlite:///{db}", "RULES_DIR": str(RULES), "RATE_LIMIT": "10000 per second",
                       "CORS_ORIGINS": ["https://scheduler.example"]})


@pytest.fixture(scope="session")
def keys(api) -> dict:
    store = api.extensions["preflight"].store
    return {"check": store.create_key("checker", "check"), "admin": store.create_key("admin", "admin")}


@pytest.fixture()
def client(api):
    return api.test_client()


@pytest.fixture()
def limited_client(api, keys):
    from preflight.http.app import create_app

    limited = create_app({"DATABASE_URL": api.config["DATABASE_URL"], "RULES_DIR": str(RULES), "RATE_LIMIT": "3 per minute"})
    return limited.test_client()
