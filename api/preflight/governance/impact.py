"""Impact preview: replay past posts through the packs in force and proposed ones, and say what would change."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice

from preflight.errors import InputError
from preflight.pipeline import Submission, check_post
from preflight.report import Finding

DEFAULTS = {"language": "auto", "platform": None, "profile": None, "context": "post"}


class TooManyPostsError(InputError):
    """More posts than the preview replays; refused before any work."""

    code = "too_many_posts"

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit:,} posts; replay fewer (or raise the limit)", field="posts")
        self.limit = limit


@dataclass
class PostChange:
    """What the proposed packs would do differently to one post."""

    id: str
    before: str
    after: str
    gained: list[Finding] = field(default_factory=list)
    lost: list[Finding] = field(default_factory=list)
    reseverity: list[tuple[Finding, Finding]] = field(default_factory=list)  # same rule and span, other severity

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "verdict": {"before": self.before, "after": self.after},
            "gained": [brief(f) for f in self.gained],
            "lost": [brief(f) for f in self.lost],
            "severity_changed": [{**brief(new), "before": old.severity} for old, new in self.reseverity],
        }


@dataclass
class RuleCount:
    before: int = 0
    after: int = 0
    gained: int = 0
    lost: int = 0


@dataclass
class Impact:
    """The outcome of one replay: per post, per rule, per verdict."""

    current: list[tuple[str, str]]
    proposed: list[tuple[str, str]]
    posts: int = 0
    changes: list[PostChange] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    rules: dict[str, RuleCount] = field(default_factory=dict)
    verdicts: Counter = field(default_factory=Counter)  # (before, after) → posts

    def to_dict(self) -> dict:
        return {
            "current": [{"id": i, "version": v} for i, v in self.current],
            "proposed": [{"id": i, "version": v} for i, v in self.proposed],
            "posts": self.posts,
            "changed_posts": len(self.changes),
            "verdicts": [{"before": b, "after": a, "posts": n} for (b, a), n in sorted(self.verdicts.items())],
            "rules": [{"rule": rule, **vars(count)} for rule, count in sorted(self.rules.items())],
            "changes": [change.to_dict() for change in self.changes],
            "errors": self.errors,
        }


def brief(finding: Finding) -> dict:
    return {"rule": finding.rule, "severity": finding.severity, "span": finding.span.to_dict()}


def take(items: Iterable[dict], limit: int) -> list[dict]:
    """At most `limit` items, or TooManyPostsError before any is checked."""
    taken = list(islice(items, limit + 1))
    if len(taken) > limit:
        raise TooManyPostsError(limit)
    return taken


def replay(current, proposed, items: Iterable[dict], defaults: dict | None = None) -> Impact:
    """Check every item with both checkers; items carry `text` (or `error`) and may carry ITEM_OPTIONS."""
    defaults = {**DEFAULTS, **{k: v for k, v in (defaults or {}).items() if v is not None}}
    impact = Impact(current.packs, proposed.packs)
    for item in items:
        if "error" in item:
            impact.errors.append({"id": item["id"], "error": item["error"]})
            continue
        try:
            submission = Submission.from_item(item, defaults)
            before = check_post(submission, current)
            after = check_post(submission, proposed)
        except InputError as exc:
            impact.errors.append({"id": item.get("id"), "error": str(exc)})
            continue
        impact.posts += 1
        impact.verdicts[(before.verdict, after.verdict)] += 1
        change = compare(str(item.get("id")), before, after)
        count_rules(impact.rules, before.findings, after.findings, change)
        if change.gained or change.lost or change.reseverity or change.before != change.after:
            impact.changes.append(change)
    return impact


def compare(post_id: str, before, after) -> PostChange:
    old = {(f.rule, f.span.start, f.span.end): f for f in before.findings}
    new = {(f.rule, f.span.start, f.span.end): f for f in after.findings}
    return PostChange(
        post_id, before.verdict, after.verdict,
        gained=[f for key, f in new.items() if key not in old],
        lost=[f for key, f in old.items() if key not in new],
        reseverity=[(old[key], f) for key, f in new.items() if key in old and old[key].severity != f.severity],
    )


def count_rules(rules: dict[str, RuleCount], before: list[Finding], after: list[Finding], change: PostChange) -> None:
    for finding in before:
        rules.setdefault(finding.rule, RuleCount()).before += 1
    for finding in after:
        rules.setdefault(finding.rule, RuleCount()).after += 1
    for finding in change.gained:
        rules[finding.rule].gained += 1
    for finding in change.lost:
        rules[finding.rule].lost += 1
