"""The database behind the API: API keys (hashed), check records and change counters, on SQLite or PostgreSQL."""
from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import threading
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy import create_engine, event, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from preflight.storage.models import NAME_MAX, SCOPES, CheckRow, CounterRow, KeyRow, SecretRow

MIGRATIONS = Path(__file__).with_name("migrations")
# Any fixed number: every process running preflight's migrations takes this PostgreSQL advisory lock.
MIGRATION_LOCK_ID = 0x70726566
KEY_FORMAT = re.compile(r"pf_([0-9a-f]{8})_([A-Za-z0-9_-]{43})")
# Alembic keeps the running migration in module globals: one migration per process at a time.
MIGRATING = threading.Lock()
TOUCH_EVERY = timedelta(minutes=1)
STORED_TEXTS_MAX = 10_000
TEXT_HASH_SECRET = "text_hash"
# Seconds a statement, a lock or a new connection may take before the database counts as unavailable.
DEFAULT_TIMEOUT_S = 5.0
CHECK_FIELDS = ("key_name", "profile", "platform", "language", "context", "verdict", "rules", "packs",
                "text_sha256", "text", "elapsed_ms")
# Fields a record may leave out (records queued by an older process, callers with no draft).
OPTIONAL_CHECK_FIELDS = ("draft_id", "approval_required")


class StorageError(Exception):
    """The database cannot be used, or a request to it makes no sense; the message says which."""


@dataclass(frozen=True)
class ApiKey:
    """A stored key as callers see it: never the secret, nor its hash."""

    id: int
    name: str
    scope: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class Store:
    """API keys and check records; one per process, shared by its threads."""

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT_S, hash_secret: str | None = None) -> None:
        self._engine = open_engine(url, timeout)
        try:
            migrate(self._engine)
        except BaseException:
            self._engine.dispose()
            raise
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)
        self._hash_key = (hash_secret or self._generated_secret(TEXT_HASH_SECRET)).encode("utf-8")
        self._ping_lock = threading.Lock()
        # gunicorn forks after the app (and this store) is built: a child must not reuse the parent's sockets.
        os.register_at_fork(after_in_child=partial(forget_inherited_connections, weakref.ref(self._engine)))

    def create_key(self, name: str, scope: str) -> str:
        """Store a new key and return it in plain text: the only time it is ever available."""
        if not isinstance(name, str) or not 0 < len(name) <= NAME_MAX or name != name.strip() or not name.isprintable():
            raise StorageError(f"a key name must be 1 to {NAME_MAX} printable characters without surrounding spaces")
        if scope not in SCOPES:
            raise StorageError(f"unknown scope {scope!r} (known: {', '.join(SCOPES)})")
        prefix, secret = secrets.token_hex(4), secrets.token_urlsafe(32)
        row = KeyRow(name=name, scope=scope, key_prefix=prefix, key_hash=digest(secret), created_at=utcnow())
        try:
            with self._sessions.begin() as session:
                session.add(row)
        except IntegrityError as exc:
            with self._sessions() as session:
                if session.scalar(select(KeyRow.id).where(KeyRow.name == name)) is not None:
                    raise StorageError(f"a key named {name!r} already exists") from None
            raise StorageError(f"could not store the key {name!r}: {reason(exc)}") from None
        return f"pf_{prefix}_{secret}"

    def _generated_secret(self, name: str) -> str:
        """The deployment's secret `name`, made on first use; concurrent first uses agree on one."""
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        insert = dialect.insert(SecretRow.__table__).values(name=name, value=secrets.token_hex(32))
        with self._engine.begin() as connection:
            connection.execute(insert.on_conflict_do_nothing(index_elements=["name"]))
            return connection.execute(select(SecretRow.value).where(SecretRow.name == name)).scalar_one()

    def text_hash(self, text: str) -> str:
        """HMAC-SHA256 of a post under the deployment's secret: a guessed draft cannot be confirmed without it."""
        return hmac.new(self._hash_key, text.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()

    def verify_key(self, presented: str) -> ApiKey | None:
        """The key `presented` stands for, or None when it is malformed, unknown or revoked."""
        match = KEY_FORMAT.fullmatch(presented) if isinstance(presented, str) else None
        if match is None:
            return None
        prefix, secret = match.groups()
        with self._sessions() as session:
            row = session.scalar(select(KeyRow).where(KeyRow.key_prefix == prefix))
        if row is None or row.revoked_at is not None or not hmac.compare_digest(row.key_hash, digest(secret)):
            return None
        now = utcnow()
        if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
            self._touch(row.id, now)
            row.last_used_at = now
        return api_key(row)

    def _touch(self, key_id: int, now: datetime) -> None:
        # The condition keeps concurrent workers from each writing within the same minute.
        stale = or_(KeyRow.last_used_at.is_(None), KeyRow.last_used_at <= now - TOUCH_EVERY)
        with self._sessions.begin() as session:
            session.execute(update(KeyRow).where(KeyRow.id == key_id, stale).values(last_used_at=now),
                            execution_options={"synchronize_session": False})

    def list_keys(self) -> list[ApiKey]:
        """Every key, revoked ones included, oldest first."""
        with self._sessions() as session:
            return [api_key(row) for row in session.scalars(select(KeyRow).order_by(KeyRow.created_at, KeyRow.id))]

    def revoke_key(self, name: str) -> bool:
        """Revoke the key called `name` (again is fine: the first time is kept); False if there is none."""
        with self._sessions.begin() as session:
            row = session.scalar(select(KeyRow).where(KeyRow.name == name))
            if row is None:
                return False
            if row.revoked_at is None:
                row.revoked_at = utcnow()
                self.bump("keys", session)
        return True

    def bump(self, name: str, session=None) -> None:
        """Count one change of `name`; inside `session` when given, so the change and its count commit together."""
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(CounterRow.__table__).values(name=name, value=1)
        statement = statement.on_conflict_do_update(index_elements=["name"],
                                                    set_={"value": CounterRow.__table__.c.value + 1})
        if session is not None:
            session.execute(statement)
            return
        with self._engine.begin() as connection:
            connection.execute(statement)

    def counters(self) -> dict[str, int]:
        """Every change counter: processes compare them with what they last saw."""
        with self._engine.connect() as connection:
            return dict(connection.execute(select(CounterRow.name, CounterRow.value)).all())

    def record_check(self, *, check_id: str, key_name: str, profile: str | None, platform: str | None,
                     language: str, context: str, verdict: str, rules: list[str], packs: list[dict],
                     text_sha256: str, text: str | None, elapsed_ms: float, draft_id: str | None = None,
                     approval_required: bool | None = None) -> None:
        """Store one check; a check_id already stored is left as it is."""
        self.record_checks([{
            "check_id": check_id, "key_name": key_name, "profile": profile, "platform": platform,
            "language": language, "context": context, "verdict": verdict, "rules": rules, "packs": packs,
            "text_sha256": text_sha256, "text": text, "elapsed_ms": elapsed_ms, "draft_id": draft_id,
            "approval_required": approval_required,
        }])

    def record_checks(self, records: Iterable[Mapping]) -> None:
        """Store many checks (mappings with record_check's arguments) in one transaction."""
        now = utcnow()
        rows = [{"id": r["check_id"], "created_at": now, **{f: r[f] for f in CHECK_FIELDS},
                 **{f: r.get(f) for f in OPTIONAL_CHECK_FIELDS}} for r in records]
        if not rows:
            return
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        # Ignoring known ids makes a retried batch harmless when its first commit did land.
        statement = dialect.insert(CheckRow.__table__).on_conflict_do_nothing(index_elements=["id"])
        with self._engine.begin() as connection:
            connection.execute(statement, rows)

    def get_check(self, check_id: str) -> dict | None:
        """One stored check as a dict (check_id, created_at and record_check's fields), or None."""
        with self._sessions() as session:
            row = session.get(CheckRow, check_id)
        if row is None:
            return None
        return {"check_id": row.id, "created_at": row.created_at,
                **{f: getattr(row, f) for f in (*CHECK_FIELDS, *OPTIONAL_CHECK_FIELDS)}}

    def ping(self, timeout: float | None = None) -> bool:
        """Whether the database answers now; within `timeout` seconds when given (one ping at a time)."""
        if timeout is None:
            return self._ping()
        if not self._ping_lock.acquire(timeout=timeout):
            return False
        try:
            answer: list[bool] = []
            # A database that accepts connections but never answers would hold the caller; the thread waits instead.
            pinger = threading.Thread(target=lambda: answer.append(self._ping()), name="preflight-ping", daemon=True)
            pinger.start()
            pinger.join(timeout)
            return bool(answer and answer[0])
        finally:
            self._ping_lock.release()

    def _ping(self) -> bool:
        try:
            with self._engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def dispose(self) -> None:
        """Close every pooled connection (the store opens new ones if used again)."""
        self._engine.dispose()

    def stored_texts(self, limit: int) -> list[dict]:
        """The most recent checks whose text was stored, newest first: id, text, language, platform, profile, context."""
        limit = max(0, min(int(limit), STORED_TEXTS_MAX))
        columns = (CheckRow.id, CheckRow.text, CheckRow.language, CheckRow.platform, CheckRow.profile, CheckRow.context)
        query = select(*columns).where(CheckRow.text.is_not(None)).order_by(CheckRow.created_at.desc(), CheckRow.id).limit(limit)
        with self._engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]


def open_engine(url: str, timeout: float = DEFAULT_TIMEOUT_S) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StorageError(f"not a database URL: {url!r} (expected e.g. sqlite:///var/preflight.db "
                           "or postgresql://user@host/dbname)") from None
    backend = parsed.get_backend_name()
    try:
        if backend == "sqlite":
            return sqlite_engine(parsed, timeout)
        if backend == "postgresql":
            return postgresql_engine(parsed, timeout)
    except (ArgumentError, ImportError) as exc:
        raise StorageError(f"cannot use the database {shown(parsed)}: {exc}") from None
    raise StorageError(f"unsupported database {backend!r} in {shown(parsed)}: use sqlite:/// or postgresql://")


def sqlite_engine(url: URL, timeout: float) -> Engine:
    if url.database in (None, "", ":memory:"):
        raise StorageError("an in-memory SQLite database is not shared between connections; "
                           "name a file, e.g. sqlite:///var/preflight.db")
    try:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot create the directory for {url.database}: {exc.strerror}") from None
    engine = create_engine(url, connect_args={"check_same_thread": False}, pool_timeout=timeout)
    event.listen(engine, "connect", partial(sqlite_pragmas, busy_ms=int(timeout * 1000)))
    return engine


def sqlite_pragmas(dbapi_connection, _record, busy_ms: int) -> None:
    # WAL lets reads go on during a write; busy_timeout makes writers queue, for a bounded time, instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={busy_ms:d}")
    # In WAL mode NORMAL still keeps every committed record through a killed worker (the durability the audit trail
    # promises); it skips the fsync per commit, which was most of a check's time, at the price of the last commits
    # after a power cut. Deployments that need more run PostgreSQL.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def postgresql_engine(url: URL, timeout: float) -> Engine:
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")  # SQLAlchemy before 2.1 would pick psycopg2
    # Without these, a firewalled host keeps a starting server waiting for minutes, and a held lock
    # or a stuck query holds every request behind it: past the timeout they fail, and answer 503.
    connect_args = {} if "connect_timeout" in url.query else {"connect_timeout": max(1, round(timeout))}
    given = url.query.get("options", "")
    given = " ".join(given) if isinstance(given, tuple) else given
    ms = int(timeout * 1000)
    ours = [f"-c {name}={ms}" for name in ("statement_timeout", "lock_timeout") if name not in given]
    if ours:
        connect_args["options"] = " ".join([given, *ours]).strip()
    return create_engine(url, pool_pre_ping=True, pool_timeout=timeout, connect_args=connect_args)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision; concurrent starts on PostgreSQL take turns."""
    where = shown(engine.url)
    try:
        connection = engine.connect()
    except SQLAlchemyError as exc:
        raise StorageError(f"cannot connect to the database {where}: {reason(exc)}") from None
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.attributes["connection"] = connection
    try:
        with MIGRATING, connection, connection.begin():
            if connection.dialect.name == "postgresql":
                # A migration may rewrite large tables, and waits for the other processes' migration: no timeouts here.
                connection.execute(text("SET LOCAL statement_timeout = 0"))
                connection.execute(text("SET LOCAL lock_timeout = 0"))
                # Held until commit: the next process then finds the schema at head and has nothing to do.
                connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
            command.upgrade(config, "head")
    except (SQLAlchemyError, CommandError) as exc:
        raise StorageError(f"cannot bring the database {where} up to date: {reason(exc)}") from None


def forget_inherited_connections(engine_ref: weakref.ref) -> None:
    engine = engine_ref()
    if engine is not None:
        engine.dispose(close=False)  # close=False: the parent still owns those connections


def api_key(row: KeyRow) -> ApiKey:
    return ApiKey(id=row.id, name=row.name, scope=row.scope, prefix=row.key_prefix, created_at=row.created_at,
                  revoked_at=row.revoked_at, last_used_at=row.last_used_at)


def digest(secret: str) -> str:
    # A plain hash suffices: the secret is 256 random bits, so there is nothing to guess from a leaked hash.
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def reason(exc: Exception) -> str:
    """The driver's own message on one line, without SQLAlchemy's statement and background link."""
    return " ".join(str(getattr(exc, "orig", None) or exc).split())
