"""What one process holds of crisis mode and live events, kept in step through the change counters."""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timezone

from ..crisis import Crisis
from ..events import PACK as EVENTS_PACK, RULE as EVENTS_RULE, EventMatcher
from ..report import Finding, Report, decide_verdict
from ..storage.governance import Governance

log = logging.getLogger("preflight.governance")


class GovernanceState:
    def __init__(self, service) -> None:
        self.service = service
        self.store = Governance(service.store)
        self.crisis: Crisis = self.store.crisis()
        self.events = []
        self.load_events()
        self._built: tuple = (None, None, None)
        self._lock = threading.Lock()
        service.sync.on("crisis", self.load_crisis)
        service.sync.on("events", self.load_events)

    def load_crisis(self) -> None:
        self.crisis = self.store.crisis()

    def load_events(self) -> None:
        now = datetime.now(timezone.utc)
        self.events = [e for e in self.store.events() if e.ends > now]

    def matcher(self) -> EventMatcher | None:
        """The compiled events, rebuilt when the events or the packs (whose call-to-action terms it uses) change."""
        events, ruleset = self.events, self.service.checker.ruleset
        if not events:
            return None
        # Held, not just their ids: a freed list's id can come back for a new one.
        built = self._built  # one read: another thread may replace it meanwhile
        if built[0] is events and built[1] is ruleset:
            return built[2]
        with self._lock:
            if not (self._built[0] is events and self._built[1] is ruleset):
                self._built = (events, ruleset, EventMatcher(events, ruleset, self.service.analyzer))
            return self._built[2]

    def amend(self, report: Report, text: str, language: str, platform: str | None, profile: str | None, context: str) -> Report:
        """Add the crisis and live-event findings to an engine report and decide its verdict again."""
        brand = self.service.checker.ruleset.profiles.get(profile) if profile else None
        added: list[Finding] = []
        held = self.crisis.finding(text, report.language)
        if held is not None:
            added.append(held)
        matcher = self.matcher()
        disabled = set(brand.disabled_rules) if brand else set()
        if matcher is not None and not disabled & {EVENTS_PACK, EVENTS_RULE}:
            added.extend(matcher.findings(text, language, report.language, platform, context, datetime.now(timezone.utc)))
        if not added:
            return report
        report.findings = sorted(report.findings + added, key=Finding.sort_key)
        report.verdict = decide_verdict(report.findings, brand.block_on if brand else "block")
        return report
