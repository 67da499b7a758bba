"""Per-process rate limits: still counted and reset, without starting a thread for each request."""
from __future__ import annotations

import threading

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from preflight.http.limit_storage import SCHEME


def test_limits_are_counted_per_key_and_a_new_window_starts_afresh(monkeypatch):
    clock = [1_000.0]
    monkeypatch.setattr("time.time", lambda: clock[0])
    limiter = FixedWindowRateLimiter(storage_from_string(f"{SCHEME}://"))
    item = parse("3 per minute")
    assert [limiter.hit(item, "key:1") for _ in range(4)] == [True, True, True, False]
    assert limiter.hit(item, "key:2")
    clock[0] += 61
    assert limiter.hit(item, "key:1")


def test_requests_start_no_threads(api, keys, monkeypatch):
    client = api.test_client()
    headers = {"Authorization": f"Bearer {keys['check']}"}
    client.get("/v1/packs", headers=headers)
    started = []
    real = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start", lambda self: started.append(self.name) or real(self))
    for _ in range(20):
        assert client.get("/v1/packs", headers=headers).status_code == 200
    assert started == []
