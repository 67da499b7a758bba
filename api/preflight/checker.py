"""The text packs: compiled rules and the language tools, matched against a post."""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from preflight.text.analyzer import Analyzer
from preflight.errors import InputError, TextTooLongError, UnknownProfileError
from preflight.matchers.base import Context
from preflight.packs.ruleset import RuleSet
from preflight.pipeline import Submission, check_post
from preflight.report import Finding, Report
from preflight.vocab import CONTEXTS, PLATFORMS

if TYPE_CHECKING:
    from preflight.packs.model import Profile

MAX_TEXT_CHARS = 100_000
# Checked once per language by `warm`: a sentence, a phone number and an address reach the token patterns,
# the validators and the learned checks, and nothing in it is a finding that could be mistaken for a real one.
WARM_UP = "Warm-up post, nothing to see here. Call +44 20 7946 0958 or write to hello@example.com."


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
        # Only a rule with `when.in_reply_to` reads the message answered: without one it is never analysed.
        self._looks_back = any(rule.replying_to is not None for rule in ruleset.rules)

    @classmethod
    def from_directory(cls, directory: str | Path, analyzer: Analyzer | None = None, cache: bool = False,
                       **kwargs) -> Checker:
        """Load every pack and profile under `directory`; raises PackError listing all problems.

        With `cache`, the compiled packs of an unchanged directory come from the user's cache directory.
        """
        analyzer = analyzer or Analyzer()

        def compile_rules():
            from preflight.packs.load import load_rules  # YAML and validation: a rule set read from the cache needs neither

            return load_rules(directory, analyzer)

        if cache:
            from preflight.packs.cache import load_cached

            return cls(load_cached(directory, analyzer, compile_rules), analyzer, **kwargs)
        return cls(compile_rules(), analyzer, **kwargs)

    def unpack(self) -> None:
        """Unpack what was read back from the cache and is otherwise unpacked on first use (each language's terms,
        the models the packs were compiled from): the server does before its workers fork, so that they share it."""
        for index in (self.ruleset.indexes.terms, *self.ruleset.profile_indexes.values()):
            index.unpack_all()
        self.ruleset.indexes.sources.unpack()

    def warm(self) -> None:
        """Build now what the first check of each language would build on first use (token-pattern matchers,
        learned models, the sentence encoder): the server does in each worker, after the fork, since the
        encoder's threads must not be started before it."""
        for language in self.analyzer.languages:
            self.check(WARM_UP, language=language, mixed=False)
        from preflight.learned.head import EncoderHead

        for rule in self._rules:
            model = getattr(rule.matcher, "model", None)
            if model is not None and model.available and isinstance(model.get(), EncoderHead):
                model.get().encoder().embed([WARM_UP])

    @property
    def skipped(self) -> list[dict]:
        """Rules that cannot run here (an optional model not installed), as `skipped` entries."""
        return list(self.ruleset.indexes.skipped)

    @property
    def packs(self) -> list[tuple[str, str]]:
        return [(pack.id, pack.version) for pack in self.ruleset.packs]

    def check(self, text: str, language: str = "auto", platform: str | None = None, profile: str | None = None,
              context: str = "post", today: date | None = None, mixed: bool = True, in_reply_to: str | None = None) -> Report:
        """The text packs' report of one post (no grammar, images or crisis state); raises InputError."""
        return check_post(Submission(text, language, platform, profile, context, today=today, mixed=mixed,
                                     in_reply_to=in_reply_to), self)

    def validate(self, submission) -> Profile | None:
        """The submission's brand profile; raises InputError for any field the editor must fix."""
        text, language, platform = submission.text, submission.language, submission.platform
        if not isinstance(text, str):
            raise InputError("text must be a string")
        if len(text) > self.max_chars:
            raise TextTooLongError(len(text), self.max_chars)
        answered = submission.in_reply_to
        if answered is not None and not isinstance(answered, str):
            raise InputError("in_reply_to must be a string", field="in_reply_to")
        if answered is not None and len(answered) > self.max_chars:
            raise InputError(f"in_reply_to is {len(answered):,} characters long; the limit is {self.max_chars:,}",
                             field="in_reply_to")
        if language != "auto" and language not in self.analyzer.languages:
            raise InputError(f"unsupported language {language!r}: use auto, {', '.join(self.analyzer.languages)}", field="language")
        if platform is not None and platform not in PLATFORMS:
            raise InputError(f"unknown platform {platform!r}: use one of {', '.join(PLATFORMS)}", field="platform")
        if submission.context not in CONTEXTS:
            raise InputError(f"unknown context {submission.context!r}: use post or reply", field="context")
        if submission.profile is None:
            return None
        found = self.ruleset.profiles.get(submission.profile)
        if found is None:
            raise UnknownProfileError(submission.profile, sorted(self.ruleset.profiles))
        return found

    def match(self, submission, brand: Profile | None) -> tuple[str, list[tuple[int, int, str]], list[Finding]]:
        """(the post's language, its sentences, the packs' findings at the rules' own severities)."""
        text, language = submission.text, submission.language
        default = (brand.default_language if brand else None) or "en"
        if not text.strip():
            return (default if language == "auto" else language), [], []
        platform = submission.platform or (brand.default_platform if brand else None)
        post = self.analyzer.analyse(text, language, default, platform, submission.context, submission.today,
                                     mixed=submission.mixed)
        ctx = Context(post, defaultdict(list), self.analyzer.pipelines, brand)
        self.ruleset.indexes.terms.find(ctx, into=ctx.term_hits)
        if brand is not None:
            self.ruleset.profile_indexes[brand.id].find(ctx, into=ctx.term_hits)
        if self.has_patterns:
            self.ruleset.indexes.patterns.find(ctx)
        return post.language, post.sentences, self._findings(ctx, self._answered(submission, post.language, brand))

    def _answered(self, submission, language: str, brand: Profile | None) -> Context | None:
        """The message the post answers, matched like a post, for the rules that look at it; None without one."""
        text = submission.in_reply_to
        if not text or not text.strip() or not self._looks_back:
            return None
        # Written in the reply's language, unless the editor asked for detection.
        asked = "auto" if submission.language == "auto" else language
        post = self.analyzer.analyse(text, asked, language, submission.platform, "post", submission.today,
                                     mixed=submission.mixed)
        ctx = Context(post, defaultdict(list), self.analyzer.pipelines, brand)
        self.ruleset.indexes.terms.find(ctx, into=ctx.term_hits)
        if self.has_patterns:
            self.ruleset.indexes.patterns.find(ctx)
        return ctx

    def _findings(self, ctx: Context, answered: Context | None = None) -> list[Finding]:
        findings: list[Finding] = ctx.found
        candidates = set(self._always)
        for matcher_id, hits in ctx.term_hits.items():
            if hits:
                candidates.update(self._by_trigger.get(matcher_id, ()))
        for index in sorted(candidates):
            rule = self._rules[index]
            if not rule.active(ctx.post, answered):
                continue
            hits = rule.hits(ctx)
            if hits:
                findings.extend(rule.findings(ctx, hits, rule.severity))
        return findings
