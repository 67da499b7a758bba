"""Shared fixtures: one engine with the bundled packs, built once per test session and shared by every app."""
from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

import pytest

from preflight.text.analyzer import Analyzer
from preflight.checker import Checker

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"


def pytest_configure(config):
    # Compiled packs are kept between sessions in pytest's own cache (and a fresh directory without it), never
    # in the user's: the cache is keyed by the packs' and the engine's content, so a stale one is never read.
    # The CLI run as a subprocess and the servers the tests start inherit it.
    cache = config.cache.mkdir("preflight-packs") if getattr(config, "cache", None) else tempfile.mkdtemp(prefix="preflight-")
    os.environ["PREFLIGHT_CACHE_DIR"] = str(cache)


@functools.cache
def session_checker() -> Checker:
    """The bundled packs, compiled once per session: fixtures, apps and the rule-example cases share them."""
    return Checker.from_directory(RULES, analyzer=Analyzer(), cache=True)


@pytest.fixture(scope="session")
def checker() -> Checker:
    return session_checker()


@pytest.fixture(scope="session")
def analyzer(checker) -> Analyzer:
    return checker.analyzer


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
def api(tmp_path_factory, checker):
    from preflight.http.app import create_app

    db = tmp_path_factory.mktemp("api") / "preflight.db"
    return create_app({"DATABASE_URL": f"sqlite:///{db}", "RULES_DIR": str(RULES), "RATE_LIMIT": "10000 per second",
                       "CORS_ORIGINS": ["https://scheduler.example"]}, checker=checker)


@pytest.fixture(scope="session")
def keys(api) -> dict:
    store = api.extensions["preflight"].store
    return {"check": store.create_key("checker", "check"), "admin": store.create_key("admin", "admin")}


@pytest.fixture()
def client(api):
    return api.test_client()


@pytest.fixture()
def limited_client(api, keys, checker):
    from preflight.http.app import create_app

    limited = create_app({"DATABASE_URL": api.config["DATABASE_URL"], "RULES_DIR": str(RULES), "RATE_LIMIT": "3 per minute"},
                         checker=checker)
    return limited.test_client()
