"""What a check costs the database: its audit record and nothing else, once keys and shared state are known."""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine

from preflight.http.app import create_app

from .conftest import RULES


def test_a_check_writes_its_audit_record_and_reads_nothing(tmp_path, checker):
    # Keys verified and change counters read at most once an hour here: whatever else a check asks the
    # database (crisis mode, events, profiles, limits, its key) would be a round trip on every request.
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "RULES_DIR": str(RULES),
                      "RATE_LIMIT": "10000 per second", "KEY_CACHE_SECONDS": 3600, "SYNC_SECONDS": 3600}, checker=checker)
    service = app.extensions["preflight"]
    key = service.store.create_key("editor", "check")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    assert client.post("/v1/check", json={"text": "Warm-up post."}, headers=headers).status_code == 200
    service.recorder.flush()
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        statements.append(" ".join(statement.split()).upper())

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        answers = [client.post("/v1/check", json={"text": f"Our new trail shoe, colour {n}, is here!"}, headers=headers)
                   for n in range(10)]
        service.recorder.flush()
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
        service.store.dispose()
    assert [a.status_code for a in answers] == [200] * 10
    assert statements and all(s.startswith("INSERT INTO CHECKS") for s in statements), statements
    assert len(statements) <= 10
