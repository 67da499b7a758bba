"""Approval requests, their decisions and the webhook delivery log; every request and decision is in the audit trail."""
from __future__ import annotations

import base64
import binascii
from datetime import datetime

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from preflight.governance.approvals import state_after
from preflight.storage.models import ApprovalDecisionRow, ApprovalRow, AuditEventRow, WebhookDeliveryRow
from preflight.storage.store import StorageError, Store, utcnow

FIELDS = ("id", "state", "text", "text_sha256", "language", "platform", "profile", "context", "image_hashes", "findings",
          "verdict", "note", "requested_by", "requested_at", "expires_at", "decided_at", "approvers_needed", "crisis")
EXPIRE_BATCH = 500
DELIVERIES_MAX = 500


class Approvals:
    """The approvals tables on the API's database."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._sessions = store._sessions

    def create_approval(self, fields: dict) -> dict:
        row = ApprovalRow(**{**fields, "text_sha256": self.store.text_hash(fields["text"]), "decided_at": None})
        with self._sessions.begin() as session:
            session.add(row)
            audit(session, row.requested_by, "approval.request", row, {"note": row.note})
        return approval_dict(row, [])

    def approval(self, approval_id: str) -> dict | None:
        with self._sessions() as session:
            row = session.get(ApprovalRow, approval_id)
            return None if row is None else approval_dict(row, decisions_of(session, row))

    def list_approvals(self, state: str | None, limit: int, cursor: str | None) -> tuple[list[dict], str | None]:
        """One page, newest first, and the cursor of the next page (None on the last)."""
        query = select(ApprovalRow).order_by(ApprovalRow.requested_at.desc(), ApprovalRow.id.desc()).limit(limit + 1)
        if state:
            query = query.where(ApprovalRow.state == state)
        if cursor:
            at, last_id = read_cursor(cursor)
            query = query.where(or_(ApprovalRow.requested_at < at, and_(ApprovalRow.requested_at == at, ApprovalRow.id < last_id)))
        with self._sessions() as session:
            rows = list(session.scalars(query))
            page = [approval_dict(row, decisions_of(session, row)) for row in rows[:limit]]
        following = make_cursor(rows[limit - 1]) if len(rows) > limit else None
        return page, following

    def mark_expired(self, approval_id: str) -> bool:
        """Store a request past its deadline as expired; True only for the one caller that did so."""
        with self._sessions.begin() as session:
            done = session.execute(update(ApprovalRow).where(ApprovalRow.id == approval_id,
                                                             ApprovalRow.state.in_(("pending", "approved")))
                                   .values(state="expired"), execution_options={"synchronize_session": False}).rowcount
            if done:
                audit(session, "preflight", "approval.expire", session.get(ApprovalRow, approval_id), {})
        return bool(done)

    def expire_due(self, now: datetime) -> list[dict]:
        """Every pending or approved request whose deadline passed, stored as expired; those this call expired."""
        query = (select(ApprovalRow.id).where(ApprovalRow.state.in_(("pending", "approved")), ApprovalRow.expires_at <= now)
                 .limit(EXPIRE_BATCH))
        with self._sessions() as session:
            due = list(session.scalars(query))
        expired = [approval_id for approval_id in due if self.mark_expired(approval_id)]
        return [found for found in map(self.approval, expired) if found is not None]

    def record_decision(self, approval_id: str, by: str, decision: str, comment: str, at: datetime,
                        edited: dict | None) -> dict | None:
        """Add one decision and move the state on; None when the request is no longer pending or `by` decided it already."""
        try:
            with self._sessions.begin() as session:
                row = session.get(ApprovalRow, approval_id, with_for_update=True)
                if row is None or row.state != "pending":
                    return None
                # A decision is on the text as it stands after it: an approver's edit makes the earlier approvals
                # of the old text count no more (a changed comma needs a new approval, from everyone).
                text_sha256 = self.store.text_hash(edited["text"]) if edited is not None else row.text_sha256
                session.add(ApprovalDecisionRow(approval_id=approval_id, key_name=by, decision=decision, comment=comment,
                                                created_at=at, text_sha256=text_sha256))
                session.flush()  # on SQLite this takes the write lock: the decisions counted next are all there are
                decisions = decisions_of(session, row, text_sha256)
                state = state_after(decisions, row.approvers_needed)
                values = {"state": state, "decided_at": at if state != "pending" else None}
                if edited is not None:
                    values.update(edited, text_sha256=text_sha256)
                moved = session.execute(update(ApprovalRow).where(ApprovalRow.id == approval_id, ApprovalRow.state == "pending")
                                        .values(**values), execution_options={"synchronize_session": False}).rowcount
                if not moved:
                    session.rollback()
                    return None
                session.refresh(row)
                audit(session, by, "approval.decision", row, {"decision": decision, "comment": comment,
                                                              "edited": edited is not None, "state": state})
                return approval_dict(row, decisions)
        except IntegrityError:  # this key has decided it already
            return None

    def decided_between(self, since: datetime, until: datetime) -> list[dict]:
        """Requests made in [since, until): state, rule ids, requested_at and decided_at, for the reports."""
        query = (select(ApprovalRow.state, ApprovalRow.findings, ApprovalRow.requested_at, ApprovalRow.decided_at)
                 .where(ApprovalRow.requested_at >= since, ApprovalRow.requested_at < until))
        with self._sessions() as session:
            return [{"state": state, "rules": sorted({f["rule"] for f in findings}), "requested_at": requested,
                     "decided_at": decided} for state, findings, requested, decided in session.execute(query)]

    def add_delivery(self, event: str, approval_id: str, url: str, form: str) -> int:
        now = utcnow()
        row = WebhookDeliveryRow(event=event, approval_id=approval_id, url=url, format=form, status="pending", attempts=0,
                                 last_error=None, created_at=now, updated_at=now)
        with self._sessions.begin() as session:
            session.add(row)
            session.flush()
            return row.id

    def update_delivery(self, delivery_id: int, status: str, attempts: int, last_error: str | None) -> None:
        with self._sessions.begin() as session:
            session.execute(update(WebhookDeliveryRow).where(WebhookDeliveryRow.id == delivery_id).values(
                status=status, attempts=attempts, last_error=last_error, updated_at=utcnow()),
                execution_options={"synchronize_session": False})

    def deliveries(self, limit: int) -> list[dict]:
        """The newest webhook deliveries: event, request, url, format, status, attempts, last error."""
        query = (select(WebhookDeliveryRow).order_by(WebhookDeliveryRow.created_at.desc(), WebhookDeliveryRow.id.desc())
                 .limit(max(1, min(limit, DELIVERIES_MAX))))
        with self._sessions() as session:
            return [{"id": r.id, "event": r.event, "approval_id": r.approval_id, "url": r.url, "format": r.format,
                     "status": r.status, "attempts": r.attempts, "last_error": r.last_error,
                     "created_at": r.created_at.isoformat(), "updated_at": r.updated_at.isoformat()}
                    for r in session.scalars(query)]


def purge(session, before: datetime) -> dict[str, int]:
    """Delete the requests (with their texts and decisions) and deliveries older than `before`, in `session`."""
    old = select(ApprovalRow.id).where(ApprovalRow.requested_at < before)
    options = {"synchronize_session": False}
    decisions = session.execute(delete(ApprovalDecisionRow).where(ApprovalDecisionRow.approval_id.in_(old)),
                                execution_options=options).rowcount
    approvals = session.execute(delete(ApprovalRow).where(ApprovalRow.requested_at < before), execution_options=options).rowcount
    deliveries = session.execute(delete(WebhookDeliveryRow).where(WebhookDeliveryRow.created_at < before),
                                 execution_options=options).rowcount
    return {"approvals": approvals, "approval_decisions": decisions, "webhook_deliveries": deliveries}


def audit(session, key_name: str, action: str, row: ApprovalRow, details: dict) -> None:
    """Who, when (the row's time), which text (its keyed hash, never the text) and which findings."""
    session.add(AuditEventRow(created_at=utcnow(), key_name=key_name, action=action, details={
        "approval_id": row.id, "text_sha256": row.text_sha256, "verdict": row.verdict,
        "rules": sorted({f["rule"] for f in row.findings}), **details}))


def decisions_of(session, row: ApprovalRow, text_sha256: str | None = None) -> list[dict]:
    """The request's decisions, each saying whether it was made on the text as it stands (`text_sha256`, else the row's)."""
    current = text_sha256 or row.text_sha256
    query = (select(ApprovalDecisionRow).where(ApprovalDecisionRow.approval_id == row.id)
             .order_by(ApprovalDecisionRow.created_at, ApprovalDecisionRow.id))
    return [{"by": d.key_name, "decision": d.decision, "comment": d.comment, "at": d.created_at,
             "current": d.text_sha256 == current} for d in session.scalars(query)]


def approval_dict(row: ApprovalRow, decisions: list[dict]) -> dict:
    return {**{name: getattr(row, name) for name in FIELDS}, "image_hashes": list(row.image_hashes),
            "findings": list(row.findings), "decisions": decisions}


def make_cursor(row: ApprovalRow) -> str:
    return base64.urlsafe_b64encode(f"{row.requested_at.isoformat()}|{row.id}".encode()).decode("ascii")


def read_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        at, _, last_id = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii").partition("|")
        return datetime.fromisoformat(at), last_id
    except (binascii.Error, UnicodeError, ValueError):
        raise StorageError("cursor: not a cursor this listing gave") from None
