"""A compiled rule: its matcher, when it is in force, and how it words its findings."""
from __future__ import annotations

import string
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from preflight.text.post import Post
from preflight.matchers.base import Context, Hit, Matcher
from preflight.matchers.logic import Unless
from preflight.packs.days import parse_day
from preflight.packs.sources import Stored
from preflight.report import Finding, Span
from preflight.packs.titles import title_in

if TYPE_CHECKING:
    from preflight.packs.model import Rule, When

PLACEHOLDERS = {"match", "value", "limit", "suggestion", "other"}


@dataclass(frozen=True, slots=True)
class InForce:
    """A rule's `when`, as a check reads it: its context, platforms and days (a day, or a (from, to) window)."""

    context: str | None
    platforms: tuple[str, ...]
    dates: tuple[str | tuple[str, str], ...]

    @classmethod
    def of(cls, when: When | None) -> InForce | None:
        if when is None:
            return None
        dates = tuple(item if isinstance(item, str) else (item.start, item.end) for item in when.dates or ())
        return cls(when.context, tuple(when.platforms or ()), dates)


@dataclass(slots=True)
class CompiledRule:
    id: str
    pack: str
    severity: str
    messages: dict[str, str]
    suggestions: dict[str, list[str]]
    guidance: dict[str, list[str]]
    reference: str | None
    languages: frozenset[str]
    matcher: Matcher
    unless: Unless | None
    when: InForce | None
    source: Stored  # the rule's model, for the examples and the docs
    limit_of: object = None  # the metric matcher whose threshold {limit} names
    file: str = ""
    example_marks: dict = field(default_factory=dict)
    replying_to: Matcher | None = None  # `when.in_reply_to`: must hold in the message answered
    titles: dict[str, str] = field(default_factory=dict)

    @property
    def model(self) -> Rule:
        return self.source.get()

    def example_location(self, kind: str, language: str, index: int) -> str:
        """file:line:column of one example, for messages a policy owner can follow."""
        line, col = self.example_marks.get((kind, language, index), (1, 1))
        return f"{self.file}:{line}:{col}"

    def active(self, post: Post, answered: Context | None = None) -> bool:
        """Whether the rule is in force for this post's context, platform, date and the message it answers."""
        when = self.when
        if when is None:
            return True
        if when.context and when.context != post.context:
            return False
        if when.platforms and post.platform not in when.platforms:
            return False
        if when.dates and not any(on_day(item, post.today) for item in when.dates):
            return False
        if self.replying_to is not None and (answered is None or not self.replying_to.find(answered)):
            return False
        return True

    def hits(self, ctx: Context) -> list[Hit]:
        sentences = ctx.post.sentences
        hits = [
            h for h in self.matcher.find(ctx)
            if h.start < h.end and (not sentences or sentences[h.sent][2] in self.languages)
        ]
        if self.unless is not None:
            hits = self.unless.filter(ctx, hits)
        return hits

    def findings(self, ctx: Context, hits: list[Hit], severity: str) -> list[Finding]:
        post = ctx.post
        template = self.messages.get(post.language) or self.messages.get("en") or next(iter(self.messages.values()))
        fixed = self.suggestions.get(post.language, [])
        guidance = tuple(self.guidance.get(post.language) or self.guidance.get("en") or ())
        title = title_in(self.titles, post.language, self.id)
        limit = self.limit_of.threshold(post.platform) if self.limit_of is not None else None
        seen = set()
        out = []
        for hit in hits:
            if (hit.start, hit.end) in seen:
                continue
            seen.add((hit.start, hit.end))
            matched = post.text[hit.start:hit.end]
            # a count (exclamation marks, capitals) names only the characters counted, not the words between them
            places = tuple(Span(s, e, post.text[s:e]) for s, e in hit.parts) if hit.parts else (Span(hit.start, hit.end, matched),)
            suggestions = ([hit.data] if hit.data else []) + fixed
            values = {
                "match": matched,
                "value": _number(hit.value),
                "limit": _number(limit),
                "suggestion": suggestions[0] if suggestions else "",
                "other": hit.other or "",
            }
            out.append(
                Finding(
                    rule=self.id,
                    pack=self.pack,
                    severity=severity,
                    message=template.format_map(values),
                    span=places[0],
                    spans=places if len(places) > 1 else (),
                    title=title,
                    suggestions=tuple(dict.fromkeys(suggestions)),
                    guidance=guidance,
                    reference=self.reference,
                    score=hit.value if hit.details is not None else None,
                    details=_details(hit.details),
                )
            )
        return out


def _details(pairs: tuple | None) -> dict | None:
    if pairs is None:
        return None
    return {key: list(value) if isinstance(value, tuple) else value for key, value in pairs}


def _number(value) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def on_day(item: str | tuple[str, str], today: date) -> bool:
    """Whether `today` is the given day or falls in the window (MM-DD repeats every year)."""
    if isinstance(item, str):
        year, month, day = parse_day(item)
        return (year is None or year == today.year) and (month, day) == (today.month, today.day)
    start, end = parse_day(item[0]), parse_day(item[1])
    key = (today.month, today.day)
    if start[0] is not None or end[0] is not None:
        lo = date(start[0] or today.year, start[1], start[2])
        hi = date(end[0] or today.year, end[1], end[2])
        return lo <= today <= hi
    lo, hi = start[1:], end[1:]
    return lo <= key <= hi if lo <= hi else key >= lo or key <= hi


def placeholders(template: str) -> set[str]:
    """The {names} a message uses; raises ValueError on a malformed template."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
