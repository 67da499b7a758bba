"""Tables: API keys (a hash of each secret, never the key), one row per check, change counters, reference images, approvals."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import (JSON, BigInteger, Boolean, CheckConstraint, Date, DateTime, Float, ForeignKey, Integer, LargeBinary,
                        MetaData, String, Text, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAME_MAX = 64
# Each scope includes the ones before it: an admin may approve, an approver may check.
SCOPES = ("check", "approve", "admin")


def includes(held: str, needed: str) -> bool:
    """Whether a key of scope `held` may do what needs `needed`."""
    return held in SCOPES and SCOPES.index(held) >= SCOPES.index(needed)


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
    __table_args__ = (CheckConstraint("scope IN ('check', 'approve', 'admin')", name="scope"),)

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
    # The profile asked for an approver's approval of this check's verdict: an editor's override is refused.
    approval_required: Mapped[bool | None] = mapped_column(Boolean)


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
    # Names of the keys whose approval lets a post that is not an approved statement out during a crisis.
    team: Mapped[list | None] = mapped_column(JSON)


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


APPROVAL_STATES = ("pending", "approved", "rejected", "expired")
DECISIONS = ("approve", "reject")


class ApprovalRow(Base):
    """An editor asks approvers to let one exact post out; kept, with its text, as long as the audit trail."""

    __tablename__ = "approvals"
    __table_args__ = (CheckConstraint("state IN ('pending', 'approved', 'rejected', 'expired')", name="state"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    # The exact text is needed to approve it and to bind the approval to it; purged with the audit retention.
    text: Mapped[str] = mapped_column(Text)
    text_sha256: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(16))
    platform: Mapped[str | None] = mapped_column(String(32))
    profile: Mapped[str | None] = mapped_column(String(200))
    context: Mapped[str] = mapped_column(String(16))
    image_hashes: Mapped[list] = mapped_column(JSON)
    findings: Mapped[list] = mapped_column(JSON)
    verdict: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(NAME_MAX), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approvers_needed: Mapped[int] = mapped_column(Integer)
    crisis: Mapped[bool] = mapped_column(Boolean)


class ApprovalDecisionRow(Base):
    """One approver's approve or reject; an approver decides once per request."""

    __tablename__ = "approval_decisions"
    __table_args__ = (CheckConstraint("decision IN ('approve', 'reject')", name="decision"),
                      UniqueConstraint("approval_id", "key_name", name="uq_approval_decisions_approver"))

    id: Mapped[int] = mapped_column(primary_key=True)
    approval_id: Mapped[str] = mapped_column(String(40), ForeignKey("approvals.id", ondelete="CASCADE"), index=True)
    key_name: Mapped[str] = mapped_column(String(NAME_MAX))
    decision: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebhookDeliveryRow(Base):
    """One notification to one webhook: how it went, for admins to read."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    event: Mapped[str] = mapped_column(String(32))
    approval_id: Mapped[str] = mapped_column(String(40), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    format: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
