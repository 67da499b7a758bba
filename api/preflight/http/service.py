"""What one process of the API holds: the engine, the store, and the swappable packs."""
from __future__ import annotations

import threading
from pathlib import Path

from preflight.text.analyzer import Analyzer
from preflight.governance.approvals import ApprovalDesk
from preflight.checker import Checker
from preflight.errors import PackError
from preflight.governance.state import GovernanceState
from preflight.grammar import Grammar
from preflight.images.check import ImageSource
from preflight.images.registry import LoadedIndex
from preflight.packs.load import BackgroundReload
from preflight.packs.ruleset import default_rules_dir
from preflight.pipeline import Submission, check_post
from preflight.report import Report
from preflight.governance.webhooks import Dispatcher, parse_hooks
from preflight.storage import Store
from preflight.storage.approvals import Approvals
from preflight.storage.governance import Governance
from preflight.storage.images import COUNTER as REFERENCES, References
from preflight.http.auth import FailedAuth, KeyCache
from preflight.http.image_checks import image_limits
from preflight.http.metrics import Metrics
from preflight.http.recorder import Recorder
from preflight.http.report_cache import ReportCache
from preflight.http.sync import Sync

# Counted when a process has written a new reference index for the others to map.
INDEX_BUILT = "image-index"


class Service:
    def __init__(self, config, checker: Checker | None = None) -> None:
        self.config = config
        self.rules_dir = config["RULES_DIR"] or str(default_rules_dir())
        if checker is None:
            analyzer = Analyzer()
            analyzer.warm()  # every language, before the workers fork: they share it
            checker = Checker.from_directory(self.rules_dir, analyzer=analyzer, cache=True,
                                             max_chars=int(config["MAX_TEXT_CHARS"]))
        self.analyzer = checker.analyzer
        self.checker = checker
        self.store = Store(config["DATABASE_URL"], timeout=float(config["DATABASE_TIMEOUT"]),
                           hash_secret=config["HASH_SECRET"] or None)
        self.keys = KeyCache(self.store, float(config["KEY_CACHE_SECONDS"]))
        self.failed_auth = FailedAuth(config["AUTH_FAILURE_LIMIT"])
        self.recorder = Recorder(self.store, float(config["AUDIT_WAIT_SECONDS"]))
        self.metrics = Metrics()
        self.grammar = Grammar.from_config(config)
        self._reload_lock = threading.Lock()
        self.sync = Sync(self.store, float(config["SYNC_SECONDS"]))
        # A change made through another process is compiled off the request path.
        self.pack_reload = BackgroundReload(self._load_packs)
        self.sync.on("packs", self.pack_reload.request)
        self.sync.on("keys", self.keys.clear)
        self.references = References(self.store)
        # With a folder, one process builds the large index and writes it there, and every worker maps the file.
        folder = config["IMAGE_INDEX_DIR"]
        self.reference_index = LoadedIndex(self.references, folder=Path(folder) if folder else None,
                                           on_built=lambda: self.sync.changed(INDEX_BUILT))
        self.reference_index.refresh(wait=True)  # before the workers fork: they share what was built
        self.sync.on(REFERENCES, self.reference_index.refresh)
        self.sync.on(INDEX_BUILT, self.reference_index.refresh)
        self.governance = GovernanceState(Governance(self.store))
        self.sync.on("crisis", self.governance.load_crisis)
        self.sync.on("events", self.governance.load_events)
        self.approvals_store = Approvals(self.store)
        self.webhooks = Dispatcher(parse_hooks(config["WEBHOOKS"]), self.approvals_store, int(config["WEBHOOK_ATTEMPTS"]),
                                   float(config["WEBHOOK_BACKOFF_SECONDS"]))
        self.approvals = ApprovalDesk(self.approvals_store, self.governance.store, lambda post: self.check(post).to_dict(),
                                      self.profile, self.webhooks.notify, float(config["APPROVAL_TTL_HOURS"]))
        self.images = ImageSource(self.reference_index, self.references.with_thumbnails, image_limits(config))
        self.reports = ReportCache(int(config["REPORT_CACHE_SIZE"]))
        self.sync.start()

    def check(self, submission: Submission) -> Report:
        """The report of one post, from the packs in force now; the order of the sources is that of `skipped`."""
        dated = submission.dated()
        checker, governance = self.checker, self.governance
        sources = (self.images, self.grammar, governance)
        # The objects a reload replaces, and the sources the report came from (a report made without a grammar
        # server must not stand for one made with it); with crisis mode on or events listed, the report depends on
        # the minute.
        state = (checker, *sources, governance.crisis, governance.events, self.reference_index.version)
        timeless = not governance.crisis.active and not governance.events
        key = self.reports.key(submission, dated) if timeless else None
        report = self.reports.get(key, state, dated)
        if report is None:
            report = check_post(dated, checker, sources)
            if report.skipped == checker.skipped:  # nothing skipped that could run another time
                self.reports.put(key, state, report)
        return report

    def profile(self, profile_id: str | None):
        """The brand profile of that id in the packs in force, or None."""
        return self.checker.ruleset.profiles.get(profile_id) if profile_id else None

    def reload(self) -> list[str]:
        """Load the rules directory anew and swap it in, in every process; on any problem keep the current packs."""
        problems = self._load_packs()
        if not problems:
            self.sync.changed("packs")
        return problems

    def _load_packs(self) -> list[str]:
        with self._reload_lock:
            try:
                fresh = Checker.from_directory(self.rules_dir, analyzer=self.analyzer, max_chars=self.checker.max_chars)
            except PackError as exc:
                return [str(p) for p in exc.problems]
            self.checker = fresh  # one reference swap: a check in flight keeps the packs it started with
            return []
