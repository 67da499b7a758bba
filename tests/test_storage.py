"""Storage on SQLite and PostgreSQL: hashed API keys, check records, migrations, concurrent starts."""
from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import subprocess
import sys
import threading
import uuid
from contextlib import contextmanager
from datetime import timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from preflight.storage import ApiKey, StorageError, Store
from preflight.storage import store as store_module
from preflight.storage.models import Base

PG_URL = os.environ.get("PREFLIGHT_TEST_DATABASE_URL")
needs_postgresql = pytest.mark.skipif(
    not PG_URL, reason="PostgreSQL storage tests need PREFLIGHT_TEST_DATABASE_URL, e.g. postgresql://postgres@127.0.0.1:5432/test")
KEY = re.compile(r"pf_([0-9a-f]{8})_([A-Za-z0-9_-]{43})")


@contextmanager
def fresh_postgresql_schema():
    """A URL whose connections work in a new, empty schema, dropped afterwards: runs never see each other."""
    admin = create_engine(PG_URL)
    schema = f"preflight_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=needs_postgresql)])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'not-yet-there' / 'preflight.db'}"  # the directory is created on start
    else:
        with fresh_postgresql_schema() as url:
            yield url


@pytest.fixture()
def postgresql_url():
    if not PG_URL:
        pytest.skip("PostgreSQL storage tests need PREFLIGHT_TEST_DATABASE_URL, e.g. postgresql://postgres@127.0.0.1:5432/test")
    with fresh_postgresql_schema() as url:
        yield url


@pytest.fixture()
def store(database_url):
    store = Store(database_url)
    yield store
    store.dispose()


@contextmanager
def stores(url: str, count: int):
    opened = [Store(url) for _ in range(count)]
    try:
        yield opened
    finally:
        for store in opened:
            store.dispose()


def raw_rows(url: str, table: str) -> list[dict]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(text(f"SELECT * FROM {table}"))]
    finally:
        engine.dispose()


def check_record(**changes) -> dict:
    record = {
        "check_id": uuid.uuid4().hex, "key_name": "ci", "profile": "acme", "platform": "instagram", "language": "nl",
        "context": "post", "verdict": "block", "rules": ["misleading-claims/health-claim"],
        "packs": [{"id": "misleading-claims", "version": "1.2.0"}], "text_sha256": "ab" * 32,
        "text": "Onze schoenen genezen rugpijn 🦶", "elapsed_ms": 3.25,
    }
    return record | changes


# Keys


def test_a_created_key_verifies_with_its_name_and_scope(store):
    key = store.create_key("ci", "check")
    assert KEY.fullmatch(key)
    found = store.verify_key(key)
    assert isinstance(found, ApiKey)
    assert (found.name, found.scope, found.prefix, found.revoked_at) == ("ci", "check", key[3:11], None)
    assert found.created_at.tzinfo == timezone.utc and found.last_used_at is not None
    assert store.verify_key(store.create_key("ops", "admin")).scope == "admin"


def test_api_key_is_frozen(store):
    found = store.verify_key(store.create_key("ci", "check"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.scope = "admin"


def test_a_revoked_key_is_refused_and_revoking_again_keeps_the_first_time(store):
    key = store.create_key("ci", "check")
    assert store.revoke_key("ci") is True
    assert store.verify_key(key) is None
    first = store.list_keys()[0].revoked_at
    assert first is not None
    assert store.revoke_key("ci") is True
    assert store.list_keys()[0].revoked_at == first
    assert store.revoke_key("nobody") is False


def test_the_right_prefix_with_a_wrong_secret_is_refused(store):
    key = store.create_key("ci", "check")
    other = store.create_key("other", "check")
    assert store.verify_key(key[:12] + other[12:]) is None
    flipped = key[:-1] + ("A" if key[-1] != "A" else "B")
    assert store.verify_key(flipped) is None
    assert store.verify_key(key) is not None


@pytest.mark.parametrize("mangle", [
    lambda k: "",
    lambda k: "pf_",
    lambda k: "pf_nope_nope",
    lambda k: k[:-1],
    lambda k: k + "x",
    lambda k: " " + k,
    lambda k: k + "\n",
    lambda k: "Bearer " + k,
    lambda k: k.upper(),
    lambda k: k.replace("_", "-", 2),
    lambda k: "xx" + k[2:],
    lambda k: k[:-1] + "é",
    lambda k: k * 100,
    lambda k: None,
    lambda k: k.encode(),
])
def test_malformed_keys_are_refused(store, mangle):
    assert store.verify_key(mangle(store.create_key("ci", "check"))) is None


def test_a_duplicate_name_is_refused_and_the_first_key_keeps_working(store):
    key = store.create_key("ci", "check")
    with pytest.raises(StorageError, match="a key named 'ci' already exists"):
        store.create_key("ci", "admin")
    assert [k.name for k in store.list_keys()] == ["ci"]
    assert store.verify_key(key).scope == "check"


@pytest.mark.parametrize("name,scope,message", [
    ("", "check", "1 to 64 printable characters"),
    ("x" * 65, "check", "1 to 64 printable characters"),
    (" ci", "check", "surrounding spaces"),
    ("ci\n", "check", "printable"),
    ("ci", "root", "unknown scope 'root'"),
    ("ci", "", "unknown scope"),
])
def test_bad_names_and_scopes_are_refused(store, name, scope, message):
    with pytest.raises(StorageError, match=message):
        store.create_key(name, scope)
    assert store.list_keys() == []


def test_a_64_character_name_is_fine(store):
    assert store.verify_key(store.create_key("n" * 64, "check")).name == "n" * 64


def test_only_a_hash_of_the_secret_is_stored(store, database_url, tmp_path):
    key = store.create_key("ci", "admin")
    prefix, secret = KEY.fullmatch(key).groups()
    [row] = raw_rows(database_url, "api_keys")
    assert row["key_prefix"] == prefix
    assert row["key_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    for value in row.values():
        assert secret not in str(value) and key not in str(value)
    if database_url.startswith("sqlite"):
        store.dispose()
        for path in (tmp_path / "not-yet-there").iterdir():  # the database file and its write-ahead log
            assert secret.encode() not in path.read_bytes()


def test_listings_carry_no_secret_or_hash(store):
    store.create_key("b", "check")
    store.create_key("a", "admin")
    listed = store.list_keys()
    assert [(k.name, k.scope) for k in listed] == [("b", "check"), ("a", "admin")]
    assert {f.name for f in dataclasses.fields(ApiKey)} == {"id", "name", "scope", "prefix", "created_at", "revoked_at",
                                                            "last_used_at"}
    assert all(k.last_used_at is None for k in listed)


def test_last_used_is_written_at_most_once_a_minute(store, monkeypatch):
    key = store.create_key("ci", "check")
    first = store.verify_key(key).last_used_at
    assert store.verify_key(key).last_used_at == first
    assert store.list_keys()[0].last_used_at == first
    later = first + timedelta(seconds=61)
    monkeypatch.setattr(store_module, "utcnow", lambda: later)
    assert store.verify_key(key).last_used_at == later
    assert store.list_keys()[0].last_used_at == later


# Check records


def test_check_records_round_trip(store):
    record = check_record(draft_id="3f1c0b7e-9a52-4c61-8d0e-5b7f2a9c4e10", approval_required=True)
    store.record_check(**record)
    stored = store.get_check(record["check_id"])
    created = stored.pop("created_at")
    assert created.tzinfo == timezone.utc
    assert stored == record


def test_text_is_optional_and_unknown_ids_are_none(store):
    record = check_record(text=None, profile=None, platform=None, rules=[], verdict="pass")
    store.record_check(**record)
    assert store.get_check(record["check_id"])["text"] is None
    assert store.get_check(record["check_id"])["draft_id"] is None
    assert store.get_check(record["check_id"])["profile"] is None
    assert store.get_check(uuid.uuid4().hex) is None


def test_a_batch_is_stored_and_a_retried_batch_changes_nothing(store, database_url):
    batch = [check_record(verdict=v) for v in ("pass", "warn", "block")]
    store.record_checks(batch)
    store.record_checks(batch + [check_record(check_id=batch[0]["check_id"], verdict="block")])
    store.record_checks([])
    assert [store.get_check(r["check_id"])["verdict"] for r in batch] == ["pass", "warn", "block"]
    assert len(raw_rows(database_url, "checks")) == 3


def test_threads_share_one_store(store):
    key = store.create_key("ci", "check")
    errors = []

    def work():
        try:
            for _ in range(20):
                assert store.verify_key(key) is not None
                store.record_check(**check_record())
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_ping(store):
    assert store.ping() is True


def test_ping_is_false_when_the_database_is_gone(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'db' / 'preflight.db'}")
    store.dispose()
    for path in (tmp_path / "db").iterdir():
        path.unlink()
    (tmp_path / "db").rmdir()
    try:
        assert store.ping() is False
    finally:
        store.dispose()


# Starting up and migrations


def migrations_head() -> str:
    config = Config()
    config.set_main_option("script_location", str(store_module.MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def test_migrations_are_idempotent(database_url):
    with stores(database_url, 1) as [first]:
        key = first.create_key("ci", "check")
    with stores(database_url, 1) as [second]:
        assert second.verify_key(key).name == "ci"
    assert raw_rows(database_url, "alembic_version") == [{"version_num": migrations_head()}]


def test_the_migrations_create_what_the_models_declare(store, database_url):
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    finally:
        engine.dispose()


def test_stores_started_at_once_in_threads_all_work(postgresql_url):
    barrier = threading.Barrier(6)
    outcomes = []

    def start(index):
        barrier.wait()
        try:
            with stores(postgresql_url, 1) as [store]:
                outcomes.append(store.verify_key(store.create_key(f"worker-{index}", "check")) is not None)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcomes.append(exc)

    threads = [threading.Thread(target=start, args=(i,), daemon=True) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes == [True] * 6


def test_stores_started_at_once_in_processes_all_work(postgresql_url):
    # Each process signals once imported, then all are released together to race for the migration.
    script = ("import sys; from preflight.storage import Store; print('ready', flush=True); sys.stdin.readline(); "
              "s = Store(sys.argv[1]); assert s.ping(); s.dispose()")
    processes = [subprocess.Popen([sys.executable, "-c", script, postgresql_url], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    for process in processes:
        assert process.stdout.readline() == "ready\n"
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    failures = [err for err in (p.communicate(timeout=60)[1] for p in processes) if err]
    assert failures == [] and all(p.returncode == 0 for p in processes)
    assert raw_rows(postgresql_url, "alembic_version") == [{"version_num": migrations_head()}]


@pytest.mark.parametrize("url,message", [
    ("not a url", "not a database URL"),
    ("mysql://localhost/preflight", "unsupported database 'mysql'"),
    ("sqlite://", "in-memory SQLite"),
    ("postgresql+nosuchdriver://localhost/x", "cannot use the database"),
    ("postgresql://postgres:s3cret@127.0.0.1:1/test", "cannot connect to the database"),
])
def test_unusable_databases_raise_a_clear_storage_error(url, message):
    with pytest.raises(StorageError, match=message) as caught:
        Store(url)
    assert "Traceback" not in str(caught.value) and "\n" not in str(caught.value)
    assert "s3cret" not in str(caught.value)


def test_an_sqlite_file_where_a_directory_is_needed_is_a_storage_error(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(StorageError, match="cannot create the directory"):
        Store(f"sqlite:///{tmp_path / 'file' / 'preflight.db'}")
