"""The engine's entry point: check a post against the loaded packs and a brand profile."""
from __future__ import annotations

import time
from collections import defaultdict
from datetime import date
from pathlib import Path

from .analyzer import Analyzer
from .errors import InputError, TextTooLongError, UnknownProfileError
from .matchers.base import Context
from .matchers.classifier import drop_shadowed
from .matchers.metric import PLATFORM_LIMITS
from .packs.load import RuleSet, load_rules
from .report import Finding, Report, decide_verdict

MAX_TEXT_CHARS = 100_000
CONTEXTS = ("post", "reply")
PLATFORMS = tuple(PLATFORM_LIMITS)


class Checker:
    """Compiled packs plus the language tools; thread-safe for reading once built."""

    def __init__(self, ruleset: RuleSet, analyzer: Analyzer, max_chars: int = MAX_TEXT_CHARS) -> None:
        self.ruleset = ruleset
        self.analyzer = analyzer
        self.max_chars = max_chars
        self.has_patterns = bool(ruleset.indexes.patterns)
        # Rules are looked up by the hits that can make them fire, so that a check costs
        # the same with ten thousand term rules as with a hundred.
        self._always: list[int] = []
        self._by_trigger: dict[int, list[int]] = defaultdict(list)
        for index, rule in enumerate(ruleset.rules):
            triggers = rule.matcher.triggers()
            if triggers is None:
                self._always.append(index)
            for trigger in triggers or ():
                self._by_trigger[trigger].append(index)
        self._rules = ruleset.rules

    @classmethod
    def from_directory(cls, directory: str | Path, analyzer: Analyzer | None = None, **kwargs) -> Checker:
        """Load every pack and profile under `directory`; raises PackError listing all problems."""
        analyzer = analyzer or Analyzer()
        return cls(load_rules(directory, analyzer), analyzer, **kwargs)

    @property
    def skipped(self) -> list[dict]:
        """Rules that cannot run here (an optional model not installed), as `skipped` entries."""
        return list(self.ruleset.indexes.skipped)

    @property
    def packs(self) -> list[tuple[str, str]]:
        return [(pack.id, pack.version) for pack in self.ruleset.packs]

    def check(
        self,
        text: str,
        language: str = "auto",
        platform: str | None = None,
        profile: str | None = None,
        context: str = "post",
        today: date | None = None,
        mixed: bool = True,
    ) -> Report:
        """Check one post; raises InputError for anything the caller must fix."""
        started = time.perf_counter()
        brand = self._validate(text, language, platform, profile, context)
        platform = platform or (brand.default_platform if brand else None)
        default = (brand.default_language if brand else None) or "en"
        if not text.strip():
            return Report("pass", default if language == "auto" else language, [], self.packs, _ms(started))
        post = self.analyzer.analyse(text, language, default, platform, context, today or date.today(), mixed=mixed)
        resolved = post.language
        ctx = Context(post, defaultdict(list), self.analyzer.pipelines, brand)
        self.ruleset.indexes.terms.find(ctx, into=ctx.term_hits)
        if brand is not None:
            self.ruleset.profile_indexes[brand.id].find(ctx, into=ctx.term_hits)
        if self.has_patterns:
            self.ruleset.indexes.patterns.find(ctx)
        findings = self._findings(ctx, brand)
        verdict = decide_verdict(findings, brand.block_on if brand else "block")
        return Report(verdict, resolved, findings, self.packs, _ms(started), post.sentences)

    def _findings(self, ctx: Context, brand) -> list[Finding]:
        findings: list[Finding] = []
        disabled = set(brand.disabled_rules) if brand else set()
        overrides = brand.severity_overrides if brand else {}
        candidates = set(self._always)
        for matcher_id, hits in ctx.term_hits.items():
            if hits:
                candidates.update(self._by_trigger.get(matcher_id, ()))
        for index in sorted(candidates):
            rule = self._rules[index]
            if rule.id in disabled or rule.pack in disabled or not rule.active(ctx.post):
                continue
            hits = rule.hits(ctx)
            if hits:
                findings.extend(rule.findings(ctx, hits, overrides.get(rule.id, rule.severity)))
        findings.sort(key=Finding.sort_key)
        return drop_shadowed(findings)

    def _validate(self, text, language, platform, profile, context):
        if not isinstance(text, str):
            raise InputError("text must be a string")
        if len(text) > self.max_chars:
            raise TextTooLongError(len(text), self.max_chars)
        if language != "auto" and language not in self.analyzer.languages:
            raise InputError(f"unsupported language {language!r}: use auto, {', '.join(self.analyzer.languages)}", field="language")
        if platform is not None and platform not in PLATFORMS:
            raise InputError(f"unknown platform {platform!r}: use one of {', '.join(PLATFORMS)}", field="platform")
        if context not in CONTEXTS:
            raise InputError(f"unknown context {context!r}: use post or reply", field="context")
        if profile is None:
            return None
        found = self.ruleset.profiles.get(profile)
        if found is None:
            raise UnknownProfileError(profile, sorted(self.ruleset.profiles))
        return found


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
