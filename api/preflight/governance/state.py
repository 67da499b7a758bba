"""Crisis mode and live events as a source of findings: the state policy owners set, read from the store."""
from __future__ import annotations

import threading
from datetime import datetime, timezone
from pathlib import Path

from preflight.governance.crisis import Crisis
from preflight.errors import PreflightError
from preflight.governance.events import Event, EventMatcher
from preflight.pipeline import Found, Job


class GovernanceState:
    """The crisis switch and the events not yet over, read from the governance tables (`store`; None: no state).

    The server reloads them when its change counters say another process changed them.
    """

    def __init__(self, store=None) -> None:
        self.store = store
        self.crisis = Crisis()
        self.events: list[Event] = []
        self._built: tuple = (None, None, None)
        self._lock = threading.Lock()
        if store is not None:
            self.load_crisis()
            self.load_events()

    def load_crisis(self) -> None:
        self.crisis = self.store.crisis()

    def load_events(self) -> None:
        now = datetime.now(timezone.utc)
        self.events = [e for e in self.store.events() if e.ends > now]

    def matcher(self, checker) -> EventMatcher | None:
        """The compiled events, rebuilt when the events or the packs (whose call-to-action terms it uses) change."""
        events, ruleset = self.events, checker.ruleset
        if not events:
            return None
        # Held, not just their ids: a freed list's id can come back for a new one.
        built = self._built  # one read: another thread may replace it meanwhile
        if built[0] is events and built[1] is ruleset:
            return built[2]
        with self._lock:
            if not (self._built[0] is events and self._built[1] is ruleset):
                self._built = (events, ruleset, EventMatcher(events, ruleset, checker.analyzer))
            return self._built[2]

    def __call__(self, job: Job) -> Found:
        post = job.submission
        found = Found()
        held = self.crisis.finding(post.text, job.language, post.now)
        if held is not None:
            found.findings.append(held)
        matcher = self.matcher(job.checker)
        if matcher is not None:
            found.findings += matcher.findings(post.text, post.language, job.language, post.platform, post.context, post.now)
        return found


def from_database(url: str) -> GovernanceState:
    """The state as the server holds it; nothing is read (or imported) when the SQLite file does not exist."""
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///").split("?", 1)[0]).is_file():
        return GovernanceState()
    from sqlalchemy.exc import SQLAlchemyError

    from preflight.storage import StorageError, Store
    from preflight.storage.governance import Governance

    try:
        return GovernanceState(Governance(Store(url)))
    except (StorageError, SQLAlchemyError) as exc:
        raise StateUnavailable(f"cannot read crisis mode and live events from the database: {exc}") from None


class StateUnavailable(PreflightError):
    """The database that holds crisis mode and live events cannot be read: a check must not pass without them."""

    code = "state_unavailable"
