"""The stored audit texts an impact preview replays, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from preflight.storage import store as store_module

from .test_storage import check_record, database_url, store  # noqa: F401 (fixtures)


def test_stored_texts_are_the_newest_with_text_capped(store, monkeypatch):  # noqa: F811
    start = datetime(2026, 3, 1, tzinfo=timezone.utc)
    records = [check_record(text=f"post {i}", language="da", profile=None) for i in range(4)]
    records.insert(2, check_record(text=None))
    for minutes, record in enumerate(records):
        monkeypatch.setattr(store_module, "utcnow", lambda minutes=minutes: start + timedelta(minutes=minutes))
        store.record_check(**record)
    texts = store.stored_texts(3)
    assert [t["text"] for t in texts] == ["post 3", "post 2", "post 1"]
    assert texts[0] == {"id": records[-1]["check_id"], "text": "post 3", "language": "da", "platform": "instagram",
                        "profile": None, "context": "post"}
    assert len(store.stored_texts(10**9)) == 4 and store.stored_texts(0) == []
