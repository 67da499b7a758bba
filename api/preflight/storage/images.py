"""The registry of reference images in the database: what attached images are matched against."""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from preflight.storage.models import LABEL_MAX, NAME_MAX, REFERENCE_STATUSES, SOURCE_MAX, ImageReferenceRow
from preflight.storage.store import StorageError, Store, reason, utcnow

NOTES_MAX = 5000
# Counter bumped on every change: each process refreshes its in-memory index when it moves.
COUNTER = "references"
EDITABLE = ("label", "source", "status", "license_expires", "notes")
_FINGERPRINT_CHUNK = 2000


class DuplicateReference(StorageError):
    """The same file (by SHA-256) is already registered."""

    def __init__(self, existing_id: int) -> None:
        super().__init__(f"this file is already registered as reference {existing_id}")
        self.existing_id = existing_id


@dataclass(frozen=True)
class ImageReference:
    """A registered image as callers see it: everything but the fingerprint and thumbnail bytes."""

    id: int
    label: str
    source: str
    status: str
    license_expires: date | None
    notes: str | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    sha256: str

    def to_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "source": self.source, "status": self.status,
                "license_expires": self.license_expires.isoformat() if self.license_expires else None,
                "notes": self.notes, "created_by": self.created_by, "created_at": self.created_at.isoformat(),
                "updated_at": self.updated_at.isoformat(), "sha256": self.sha256}


@dataclass(frozen=True)
class NewReference:
    """What registering one file stores: its description and what the engine computed from its pixels."""

    label: str
    source: str
    status: str
    sha256: str
    fingerprint: bytes
    thumbnail: bytes
    created_by: str
    license_expires: date | None = None
    notes: str | None = None


class References:
    """Reference images on the store's database; every change bumps the `references` counter in its transaction."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._sessions = store._sessions  # noqa: SLF001 - one connection pool per process, shared with the store

    def add(self, new: NewReference) -> ImageReference:
        """Register one file; DuplicateReference when its SHA-256 is already there."""
        validate({field: getattr(new, field) for field in EDITABLE})
        stored = new_row(new, utcnow())
        try:
            with self._sessions.begin() as session:
                session.add(stored)
                session.flush()
                self._store.bump(COUNTER, session)
        except IntegrityError as exc:
            existing = self.id_for_sha256(new.sha256)
            if existing is not None:
                raise DuplicateReference(existing) from None
            raise StorageError(f"could not store the reference: {reason(exc)}") from None
        return described(stored)

    def add_many(self, news: Iterable[NewReference]) -> list[tuple[NewReference, int, bool]]:
        """Register files in one transaction: (file, id, True) when new, (file, existing id, False) when known."""
        news = list(news)
        for new in news:
            validate({field: getattr(new, field) for field in EDITABLE})
        now = utcnow()
        with self._sessions.begin() as session:
            known = dict(session.execute(select(ImageReferenceRow.sha256, ImageReferenceRow.id)
                                         .where(ImageReferenceRow.sha256.in_({n.sha256 for n in news}))).all())
            fresh: dict[str, ImageReferenceRow] = {}
            for new in news:
                if new.sha256 not in known and new.sha256 not in fresh:
                    fresh[new.sha256] = new_row(new, now)
            session.add_all(fresh.values())
            session.flush()
            if fresh:
                self._store.bump(COUNTER, session)
        ids = {**known, **{sha: r.id for sha, r in fresh.items()}}
        outcome, seen = [], set()
        for new in news:
            outcome.append((new, ids[new.sha256], new.sha256 in fresh and new.sha256 not in seen))
            seen.add(new.sha256)
        return outcome

    def get(self, ref_id: int) -> ImageReference | None:
        with self._sessions() as session:
            row = session.execute(_described().where(ImageReferenceRow.id == ref_id)).one_or_none()
        return described(row) if row is not None else None

    def id_for_sha256(self, sha256: str) -> int | None:
        with self._sessions() as session:
            return session.scalar(select(ImageReferenceRow.id).where(ImageReferenceRow.sha256 == sha256))

    def list(self, *, status: str | None = None, label: str | None = None, limit: int = 50,
             offset: int = 0) -> tuple[list[ImageReference], int]:
        """One page, newest first, and the number of references the filters select in all."""
        conditions = []
        if status is not None:
            conditions.append(ImageReferenceRow.status == status)
        if label:
            escaped = label.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            conditions.append(func.lower(ImageReferenceRow.label).like(f"%{escaped.lower()}%", escape="\\"))
        with self._sessions() as session:
            total = session.scalar(select(func.count()).select_from(ImageReferenceRow).where(*conditions))
            rows = session.execute(_described().where(*conditions).order_by(ImageReferenceRow.id.desc())
                                   .limit(limit).offset(offset)).all()
        return [described(row) for row in rows], int(total or 0)

    def update(self, ref_id: int, changes: Mapping) -> ImageReference | None:
        """Change label, source, status, licence date or notes; None when there is no such reference."""
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise StorageError(f"cannot change {', '.join(sorted(unknown))} (can change: {', '.join(EDITABLE)})")
        validate(changes)
        with self._sessions.begin() as session:
            stored = session.get(ImageReferenceRow, ref_id)
            if stored is None:
                return None
            for field, value in changes.items():
                setattr(stored, field, (value or None) if field == "notes" else value)
            stored.updated_at = utcnow()
            self._store.bump(COUNTER, session)
            return described(stored)

    def delete(self, ref_id: int) -> bool:
        with self._sessions.begin() as session:
            gone = session.execute(delete(ImageReferenceRow).where(ImageReferenceRow.id == ref_id)).rowcount
            if gone:
                self._store.bump(COUNTER, session)
        return bool(gone)

    def thumbnail(self, ref_id: int) -> bytes | None:
        with self._sessions() as session:
            return session.scalar(select(ImageReferenceRow.thumbnail).where(ImageReferenceRow.id == ref_id))

    def with_thumbnails(self, ids: Iterable[int]) -> dict[int, tuple[ImageReference, bytes]]:
        """The references among `ids` that still exist, each with its thumbnail: what a check's matches show."""
        ids = set(ids)
        if not ids:
            return {}
        with self._sessions() as session:
            rows = session.execute(_described(ImageReferenceRow.thumbnail).where(ImageReferenceRow.id.in_(ids))).all()
        return {row.id: (described(row), row.thumbnail) for row in rows}

    def ids(self) -> set[int]:
        with self._sessions() as session:
            return set(session.scalars(select(ImageReferenceRow.id)))

    def fingerprints(self, ids: Iterable[int] | None = None) -> Iterator[tuple[int, bytes]]:
        """(id, fingerprint bytes) of every reference, or of those among `ids`, read in chunks."""
        wanted = None if ids is None else sorted(set(ids))
        after = -1
        while True:
            query = select(ImageReferenceRow.id, ImageReferenceRow.fingerprint).where(ImageReferenceRow.id > after)
            if wanted is not None:
                chunk = [i for i in wanted if i > after][:_FINGERPRINT_CHUNK]
                if not chunk:
                    return
                query = query.where(ImageReferenceRow.id.in_(chunk))
            with self._sessions() as session:
                rows = session.execute(query.order_by(ImageReferenceRow.id).limit(_FINGERPRINT_CHUNK)).all()
            if not rows:
                return
            yield from ((row.id, row.fingerprint) for row in rows)
            after = rows[-1].id


_DESCRIPTION = (ImageReferenceRow.id, ImageReferenceRow.label, ImageReferenceRow.source, ImageReferenceRow.status,
                ImageReferenceRow.license_expires, ImageReferenceRow.notes, ImageReferenceRow.created_by,
                ImageReferenceRow.created_at, ImageReferenceRow.updated_at, ImageReferenceRow.sha256)


def _described(*extra):
    # Never the fingerprint: listing thousands of references must not read megabytes of blobs.
    return select(*_DESCRIPTION, *extra)


def described(found) -> ImageReference:
    """An ImageReference from a row object or a selected row."""
    return ImageReference(**{column.key: getattr(found, column.key) for column in _DESCRIPTION})


def new_row(new: NewReference, now: datetime) -> ImageReferenceRow:
    return ImageReferenceRow(label=new.label, source=new.source, status=new.status,
                             license_expires=new.license_expires, notes=new.notes or None,
                             created_by=new.created_by[:NAME_MAX], created_at=now, updated_at=now,
                             sha256=new.sha256, fingerprint=new.fingerprint, thumbnail=new.thumbnail)


def validate(fields: Mapping) -> None:
    """StorageError naming the first field that cannot be stored as given."""
    for field, limit in (("label", LABEL_MAX), ("source", SOURCE_MAX)):
        if field in fields:
            value = fields[field]
            if not isinstance(value, str) or not value.strip() or len(value) > limit or not value.isprintable():
                raise StorageError(f"{field} must be 1 to {limit} printable characters")
    if "status" in fields and fields["status"] not in REFERENCE_STATUSES:
        raise StorageError(f"status must be one of {', '.join(REFERENCE_STATUSES)}, not {fields['status']!r}")
    if "license_expires" in fields and fields["license_expires"] is not None and not isinstance(fields["license_expires"], date):
        raise StorageError("license_expires must be a date (YYYY-MM-DD)")
    if "notes" in fields and fields["notes"] is not None and (not isinstance(fields["notes"], str) or len(fields["notes"]) > NOTES_MAX):
        raise StorageError(f"notes must be text of at most {NOTES_MAX} characters")
