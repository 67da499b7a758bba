"""Tables: API keys (a hash of each secret, never the key), one row per check, change counters, reference images."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import JSON, BigInteger, Boolean, CheckConstraint, Date, DateTime, Float, LargeBinary, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAME_MAX = 64
SCOPES = ("check", "admin")


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, also on SQLite, which stores no zone."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: storage needs an aware one")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    # Named constraints, so that later migrations can address them on every database.
    metadata = MetaData(naming_convention={
        "pk": "pk_%(table_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "ix": "ix_%(table_name)s_%(column_0_name)s",
    })


class KeyRow(Base):
    __tablename__ = "api_keys"
    __table_args__ = (CheckConstraint("scope IN ('check', 'admin')", name="scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), unique=True)
    scope: Mapped[str] = mapped_column(String(16))
    key_prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CheckRow(Base):
    __tablename__ = "checks"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    key_name: Mapped[str] = mapped_column(String(NAME_MAX))
    profile: Mapped[str | None] = mapped_column(String(200))
    platform: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(16))
    context: Mapped[str] = mapped_column(String(16))
    verdict: Mapped[str] = mapped_column(String(16))
    rules: Mapped[list] = mapped_column(JSON)
    packs: Mapped[list] = mapped_column(JSON)
    # HMAC-SHA256 of the text under the deployment's secret (NULL for checks stored before 0005).
    text_sha256: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(Text)
    elapsed_ms: Mapped[float] = mapped_column(Float)
    # The composer session the check came from (the extension's draft id); NULL when the caller sent none.
    draft_id: Mapped[str | None] = mapped_column(String(64))


class CounterRow(Base):
    """How often a kind of shared state (packs, keys, ...) has changed: processes poll it to stay in step."""

    __tablename__ = "change_counters"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class SecretRow(Base):
    """Secrets the deployment generated for itself, e.g. the key of the stored texts' hashes."""

    __tablename__ = "deployment_secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))


class OverrideRow(Base):
    """An editor published anyway: which rules of which check were overridden, by whom and why."""

    __tablename__ = "overrides"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    # No foreign key: an override may arrive before the recorder has written its check.
    check_id: Mapped[str] = mapped_column(String(32), index=True)
    rules: Mapped[list] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    key_name: Mapped[str] = mapped_column(String(NAME_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class AuditEventRow(Base):
    """A change a policy owner made (crisis mode, events), for the evaluation afterwards."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    key_name: Mapped[str] = mapped_column(String(NAME_MAX))
    action: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict] = mapped_column(JSON)


class CrisisRow(Base):
    """Crisis mode: one row, id 1."""

    __tablename__ = "crisis"

    id: Mapped[int] = mapped_column(primary_key=True)
    active: Mapped[bool] = mapped_column(Boolean)
    message: Mapped[str] = mapped_column(Text)
    approved_statements: Mapped[list] = mapped_column(JSON)
    since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    key_name: Mapped[str | None] = mapped_column(String(NAME_MAX))


class EventRow(Base):
    """A live sensitive event: posts that mention it get a warning while it lasts."""

    __tablename__ = "sensitive_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    terms: Mapped[list] = mapped_column(JSON)
    starts: Mapped[datetime] = mapped_column(UTCDateTime)
    ends: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    key_name: Mapped[str] = mapped_column(String(NAME_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


REFERENCE_STATUSES = ("restricted", "licensed")
LABEL_MAX = 200
SOURCE_MAX = 500


class ImageReferenceRow(Base):
    """A registered image that attachments are matched against: its fingerprint, thumbnail and licence."""

    __tablename__ = "image_references"
    __table_args__ = (CheckConstraint("status IN ('restricted', 'licensed')", name="status"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(LABEL_MAX), index=True)
    source: Mapped[str] = mapped_column(String(SOURCE_MAX))
    status: Mapped[str] = mapped_column(String(16))
    license_expires: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(NAME_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    fingerprint: Mapped[bytes] = mapped_column(LargeBinary)
    thumbnail: Mapped[bytes] = mapped_column(LargeBinary)
