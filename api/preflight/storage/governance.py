"""What policy owners change and decide: overrides, crisis mode, live events and the audit trail of it all."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import String, cast, delete, func, select
from sqlalchemy.exc import IntegrityError

from preflight.governance.crisis import Crisis
from preflight.governance.events import Event
from preflight.storage.approvals import purge as purge_approvals
from preflight.storage.models import AuditEventRow, CheckRow, CrisisRow, EventRow, OverrideRow
from preflight.storage.store import StorageError, Store, utcnow

CRISIS_ROW = 1
READ_CHUNK = 1000
# The overrides read for the reasons shown per rule on a report: the newest, enough for every rule to show a few.
REASON_ROWS_MAX = 5000


class ConflictError(StorageError):
    """The change asked for is already in force, or clashes with what is stored."""


class NotFoundError(StorageError):
    """The thing named does not exist."""


class Governance:
    """Governance tables on the API's database; the writes bump the change counters other processes poll."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._sessions = store._sessions

    def add_override(self, check_id: str, rules: list[str], reason: str, key_name: str) -> dict:
        row = OverrideRow(id=uuid.uuid4().hex, check_id=check_id, rules=rules, reason=reason, key_name=key_name,
                          created_at=utcnow())
        with self._sessions.begin() as session:
            session.add(row)
        return override_dict(row)

    def overrides_of(self, check_id: str) -> list[dict]:
        with self._sessions() as session:
            rows = session.scalars(select(OverrideRow).where(OverrideRow.check_id == check_id).order_by(OverrideRow.created_at))
            return [override_dict(row) for row in rows]

    def list_overrides(self, *, rule: str | None = None, pack: str | None = None, key_name: str | None = None,
                       since: datetime | None = None, until: datetime | None = None, limit: int = 50,
                       offset: int = 0) -> tuple[int, list[dict]]:
        """(how many match, one page of them newest first), each with its check's language, verdict and draft."""
        query = select(OverrideRow, CheckRow.language, CheckRow.verdict, CheckRow.draft_id).outerjoin(
            CheckRow, CheckRow.id == OverrideRow.check_id)
        # Rule ids hold no quotes: the quoted id (or the pack's prefix) is found in the stored JSON list on every database.
        if rule:
            query = query.where(cast(OverrideRow.rules, String).contains(f'"{rule}"', autoescape=True))
        if pack:
            query = query.where(cast(OverrideRow.rules, String).contains(f'"{pack}/', autoescape=True))
        if key_name:
            query = query.where(OverrideRow.key_name == key_name)
        if since is not None:
            query = query.where(OverrideRow.created_at >= since)
        if until is not None:
            query = query.where(OverrideRow.created_at < until)
        with self._sessions() as session:
            total = session.scalar(select(func.count()).select_from(query.subquery()))
            page = session.execute(query.order_by(OverrideRow.created_at.desc(), OverrideRow.id).limit(limit).offset(offset))
            rows = [{**override_dict(row), "language": language, "verdict": verdict, "draft_id": draft_id}
                    for row, language, verdict, draft_id in page]
        return total, rows

    def override_reasons(self, since: datetime, until: datetime, per_rule: int) -> dict[str, list[dict]]:
        """rule -> the newest `per_rule` overrides of it (reason, who, when) on the checks made in [since, until)."""
        query = (select(OverrideRow).join(CheckRow, CheckRow.id == OverrideRow.check_id)
                 .where(CheckRow.created_at >= since, CheckRow.created_at < until)
                 .order_by(OverrideRow.created_at.desc(), OverrideRow.id).limit(REASON_ROWS_MAX))
        out: dict[str, list[dict]] = {}
        with self._sessions() as session:
            for row in session.scalars(query):
                for rule in row.rules:
                    reasons = out.setdefault(rule, [])
                    if len(reasons) < per_rule:
                        reasons.append({"reason": row.reason, "key_name": row.key_name,
                                        "created_at": row.created_at.isoformat(), "check_id": row.check_id})
        return out

    def crisis(self) -> Crisis:
        with self._sessions() as session:
            row = session.get(CrisisRow, CRISIS_ROW)
        if row is None:
            return Crisis()
        return crisis_of(row)

    def set_crisis_team(self, names: tuple[str, ...], key_name: str) -> Crisis:
        """Replace the crisis team (key names); kept whether crisis mode is on or off."""
        with self._sessions.begin() as session:
            row = session.get(CrisisRow, CRISIS_ROW, with_for_update=True)
            if row is None:
                row = CrisisRow(id=CRISIS_ROW, active=False, message="", approved_statements=[])
                session.add(row)
            row.team = list(names)
            self._audit(session, key_name, "crisis.team", {"team": list(names)})
            self.store.bump("crisis", session)
            crisis = crisis_of(row)
        return crisis

    def set_crisis(self, active: bool, message: str, statements: tuple[str, ...], key_name: str) -> Crisis:
        """Switch crisis mode on or off, or change its message; raises ConflictError when nothing would change."""
        try:
            return self._set_crisis(active, message, statements, key_name)
        except IntegrityError:  # the very first switch, made twice at once: the row exists now
            raise ConflictError("crisis mode was switched by someone else at the same moment: look at it again") from None

    def _set_crisis(self, active: bool, message: str, statements: tuple[str, ...], key_name: str) -> Crisis:
        with self._sessions.begin() as session:
            row = session.get(CrisisRow, CRISIS_ROW, with_for_update=True)
            if row is None:
                row = CrisisRow(id=CRISIS_ROW, active=False, message="", approved_statements=[])
                session.add(row)
            if not active and not row.active:
                raise ConflictError("crisis mode is already off")
            if active and row.active and row.message == message and tuple(row.approved_statements) == statements:
                raise ConflictError(f"crisis mode is already on, since {row.since:%Y-%m-%d %H:%M} UTC, by {row.key_name}, "
                                    "with this message and these statements")
            action = "crisis.update" if active and row.active else ("crisis.on" if active else "crisis.off")
            if action == "crisis.on":
                row.since, row.key_name = utcnow(), key_name
            row.active = active
            if active:
                row.message, row.approved_statements = message, list(statements)
            self._audit(session, key_name, action, {"message": message, "approved_statements": list(statements)}
                        if active else {"message": row.message})
            self.store.bump("crisis", session)
            crisis = crisis_of(row)
        return crisis

    def events(self) -> list[Event]:
        with self._sessions() as session:
            return [event_of(row) for row in session.scalars(select(EventRow).order_by(EventRow.starts, EventRow.id))]

    def add_event(self, event: Event, key_name: str) -> Event:
        row = EventRow(name=event.name, terms=list(event.terms), starts=event.starts, ends=event.ends, note=event.note,
                       key_name=key_name, created_at=utcnow())
        try:
            with self._sessions.begin() as session:
                session.add(row)
                session.flush()
                self._audit(session, key_name, "event.add", {"id": row.id, "name": row.name, "terms": row.terms,
                                                             "starts": row.starts.isoformat(), "ends": row.ends.isoformat()})
                self.store.bump("events", session)
        except IntegrityError:
            raise ConflictError(f"an event named {event.name!r} already exists: remove it first or choose another name") from None
        return event_of(row)

    def remove_event(self, event_id: int, key_name: str) -> Event:
        with self._sessions.begin() as session:
            row = session.get(EventRow, event_id)
            if row is None:
                raise NotFoundError(f"no event with id {event_id}")
            session.delete(row)
            self._audit(session, key_name, "event.remove", {"id": row.id, "name": row.name})
            self.store.bump("events", session)
        return event_of(row)

    def _audit(self, session, key_name: str, action: str, details: dict) -> None:
        session.add(AuditEventRow(created_at=utcnow(), key_name=key_name, action=action, details=details))

    def audit_trail(self, since: datetime | None = None) -> list[dict]:
        """Policy changes, oldest first."""
        query = select(AuditEventRow).order_by(AuditEventRow.created_at, AuditEventRow.id)
        if since is not None:
            query = query.where(AuditEventRow.created_at >= since)
        with self._sessions() as session:
            return [{"at": r.created_at, "by": r.key_name, "action": r.action, "details": r.details}
                    for r in session.scalars(query)]

    def checks_between(self, since: datetime, until: datetime) -> Iterator[tuple[str, datetime, str, str, list, str | None]]:
        """(id, created_at, language, verdict, rules, draft_id) of every check in [since, until), oldest first, in chunks."""
        query = (select(CheckRow.id, CheckRow.created_at, CheckRow.language, CheckRow.verdict, CheckRow.rules, CheckRow.draft_id)
                 .where(CheckRow.created_at >= since, CheckRow.created_at < until)
                 .order_by(CheckRow.created_at, CheckRow.id)
                 .execution_options(yield_per=READ_CHUNK))
        with self._sessions() as session:
            yield from session.execute(query)

    def overridden_rules(self, since: datetime, until: datetime) -> dict[str, set[str]]:
        """check id -> the rules overridden on it, for the checks made in [since, until)."""
        query = (select(OverrideRow.check_id, OverrideRow.rules)
                 .join(CheckRow, CheckRow.id == OverrideRow.check_id)
                 .where(CheckRow.created_at >= since, CheckRow.created_at < until))
        out: dict[str, set[str]] = {}
        with self._sessions() as session:
            for check_id, rules in session.execute(query):
                out.setdefault(check_id, set()).update(rules)
        return out

    def prune(self, before: datetime) -> dict[str, int]:
        """Delete checks, overrides, policy changes and approval requests older than `before`; how many of each went."""
        counts = {}
        with self._sessions.begin() as session:
            for name, model in (("checks", CheckRow), ("overrides", OverrideRow), ("audit_events", AuditEventRow)):
                result = session.execute(delete(model).where(model.created_at < before),
                                         execution_options={"synchronize_session": False})
                counts[name] = result.rowcount
            counts.update(purge_approvals(session, before))
        return counts


def crisis_of(row: CrisisRow) -> Crisis:
    return Crisis(row.active, row.message, tuple(row.approved_statements), row.since, row.key_name, tuple(row.team or ()))


def override_dict(row: OverrideRow) -> dict:
    return {"id": row.id, "check_id": row.check_id, "rules": list(row.rules), "reason": row.reason,
            "key_name": row.key_name, "created_at": row.created_at.isoformat()}


def event_of(row: EventRow) -> Event:
    return Event(row.id, row.name, tuple(row.terms), row.starts, row.ends, row.note)
