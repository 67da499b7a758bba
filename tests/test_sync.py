"""Changes made through one process are in force in another that shares the database."""
from __future__ import annotations

import shutil

import pytest

from preflight.http.app import create_app

from .conftest import RULES


@pytest.fixture(scope="module")
def twins(tmp_path_factory, checker):
    tmp_path = tmp_path_factory.mktemp("sync")
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    # An hour-long key cache: only the change counters can make the second process notice a revocation.
    config = {"DATABASE_URL": f"sqlite:///{tmp_path / 'shared.db'}", "RULES_DIR": str(rules),
              "RATE_LIMIT": "10000 per second", "KEY_CACHE_SECONDS": 3600, "SYNC_SECONDS": 0}
    first, second = create_app(config, checker), create_app(config, checker)
    yield first, second, rules
    for app in (first, second):
        app.extensions["preflight"].recorder.flush()
        app.extensions["preflight"].store.dispose()


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def test_a_key_revoked_through_one_process_is_refused_by_the_other(twins):
    first, second, _ = twins
    key = first.extensions["preflight"].store.create_key("editor", "check")
    assert second.test_client().get("/v1/packs", headers=bearer(key)).status_code == 200
    first.extensions["preflight"].store.revoke_key("editor")
    response = second.test_client().get("/v1/packs", headers=bearer(key))
    assert response.status_code == 401


def test_a_pack_reload_through_one_process_is_in_force_in_the_other(twins):
    first, second, rules = twins
    admin = first.extensions["preflight"].store.create_key("owner-reload", "admin")
    pack = rules / "privacy.yaml"
    pack.write_text(pack.read_text(encoding="utf-8").replace("\nversion: ", "\nversion: 9", 1), encoding="utf-8")
    versions = lambda app: {p["id"]: p["version"] for p in app.test_client().get("/v1/packs", headers=bearer(admin)).json["packs"]}
    assert not versions(second)["privacy"].startswith("9")
    assert first.test_client().post("/v1/packs/reload", headers=bearer(admin)).status_code == 200
    versions(second)  # the next request notices the change; the packs are compiled off the request path
    assert second.extensions["preflight"].pack_reload.wait(timeout=120)
    assert versions(second)["privacy"].startswith("9")


def test_a_failed_reload_changes_nothing_anywhere(twins):
    first, second, rules = twins
    admin = first.extensions["preflight"].store.create_key("owner-failed", "admin")
    before = second.test_client().get("/v1/packs", headers=bearer(admin)).json
    counters = first.extensions["preflight"].store.counters()
    pack = rules / "brand-tone.yaml"
    original = pack.read_text(encoding="utf-8")
    pack.write_text("id: brand-tone\nrules: [\n", encoding="utf-8")
    try:
        assert first.test_client().post("/v1/packs/reload", headers=bearer(admin)).status_code == 422
        assert second.test_client().get("/v1/packs", headers=bearer(admin)).json == before
        assert first.extensions["preflight"].store.counters() == counters
    finally:
        pack.write_text(original, encoding="utf-8")
