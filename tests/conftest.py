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


def rule_ids(report) -> list[str]:
    return [f.rule for f in report.findings]
