"""Audit retention: `preflight audit prune` deletes checks, overrides and policy changes older than the retention period."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, update

from preflight.cli import main
from preflight.storage import Store
from preflight.storage.governance import Governance
from preflight.storage.models import AuditEventRow, CheckRow, OverrideRow

RECORD = {"key_name": "editor", "profile": None, "platform": None, "language": "en", "context": "post", "verdict": "warn",
          "rules": ["misleading-claims/absolute-guarantee"], "packs": [], "text_sha256": "0" * 64, "text": None, "elapsed_ms": 1.0}


@pytest.fixture()
def database(tmp_path, monkeypatch):
    """A database with a check, an override and a policy change from 40 days ago, and the same from today."""
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    monkeypatch.setenv("PREFLIGHT_DATABASE_URL", url)
    monkeypatch.delenv("PREFLIGHT_AUDIT_RETENTION_DAYS", raising=False)
    store = Store(url)
    governance = Governance(store)
    store.record_checks([{**RECORD, "check_id": "a" * 32}, {**RECORD, "check_id": "b" * 32}])
    governance.add_override("a" * 32, RECORD["rules"], "old reason", "editor")
    governance.add_override("b" * 32, RECORD["rules"], "new reason", "editor")
    governance.set_crisis(True, "old crisis", (), "owner")
    governance.set_crisis(False, "", (), "owner")
    old = datetime.now(timezone.utc) - timedelta(days=40)
    with store._sessions.begin() as session:
        session.execute(update(CheckRow).where(CheckRow.id == "a" * 32).values(created_at=old))
        session.execute(update(OverrideRow).where(OverrideRow.check_id == "a" * 32).values(created_at=old))
        session.execute(update(AuditEventRow).where(AuditEventRow.action == "crisis.on").values(created_at=old))
    yield store
    store.dispose()


def counts(store) -> tuple[int, int, int]:
    with store._sessions() as session:
        return tuple(session.scalar(select(func.count()).select_from(model)) for model in (CheckRow, OverrideRow, AuditEventRow))


def test_prune_keeps_the_retention_period_from_the_environment(database, monkeypatch, capsys):
    monkeypatch.setenv("PREFLIGHT_AUDIT_RETENTION_DAYS", "30")
    assert main(["audit", "prune"]) == 0
    assert "1 checks, 1 overrides, 1 audit events" in capsys.readouterr().out
    assert counts(database) == (1, 1, 1)
    assert database.get_check("b" * 32) is not None and database.get_check("a" * 32) is None
    assert main(["audit", "prune"]) == 0, "pruning again is harmless"
    assert counts(database) == (1, 1, 1)


def test_days_on_the_command_line_win(database, capsys):
    assert main(["audit", "prune", "--days", "60"]) == 0
    assert counts(database) == (2, 2, 2)


@pytest.mark.parametrize("setting,argv,message", [
    (None, [], "PREFLIGHT_AUDIT_RETENTION_DAYS"),
    ("thirty", [], "not a whole number"),
    (None, ["--days", "0"], "at least 1 day"),
])
def test_prune_without_a_sensible_period_refuses_and_deletes_nothing(database, monkeypatch, capsys, setting, argv, message):
    if setting is not None:
        monkeypatch.setenv("PREFLIGHT_AUDIT_RETENTION_DAYS", setting)
    assert main(["audit", "prune", *argv]) == 3
    assert message in capsys.readouterr().err
    assert counts(database) == (2, 2, 2)
