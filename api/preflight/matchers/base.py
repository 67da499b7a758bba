"""What every matcher shares: the hit, the per-check context and how hits relate."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from preflight.text.post import Post


@dataclass(frozen=True, slots=True)
class Hit:
    """A place where a matcher matched, in original offsets."""

    start: int
    end: int
    sent: int
    data: str | None = None  # a substitution's replacement; a consistency group's name
    value: float | None = None  # what a metric measured
    other: str | None = None  # the text a consistency hit conflicts with
    details: tuple[tuple[str, object], ...] | None = None  # why a learned model scored it (hashable: hits are deduplicated in sets)
    parts: tuple[tuple[int, int], ...] = ()  # a count's hit: the characters counted, when not the whole of start..end


@dataclass(slots=True)
class Context:
    """One check in progress: the post and the term hits found in it."""

    post: Post
    term_hits: dict[int, list[Hit]]
    pipelines: object
    profile: object = None
    cache: dict = field(default_factory=dict)
    found: list = field(default_factory=list)  # the findings of the rules run so far, in rule order


class Matcher(Protocol):
    def find(self, ctx: Context) -> list[Hit]: ...

    def triggers(self) -> set[int] | None:
        """Ids of term or pattern hits without which this matcher cannot match (None: unknown)."""


@dataclass(frozen=True, slots=True)
class Scope:
    """How close two hits must be to count as together: same post, sentence or N tokens."""

    kind: str = "post"  # post | sentence
    near: int | None = None

    def related(self, ctx: Context, a: Hit, b: Hit) -> bool:
        if self.near is not None:
            post = ctx.post
            first, second = (a, b) if a.start <= b.start else (b, a)
            gap = post.token_at(second.start) - post.token_at(first.end)
            return gap <= self.near
        if self.kind == "sentence":
            return a.sent == b.sent
        return True


def whole_post(ctx: Context) -> Hit:
    """A hit over the whole post, trimmed of surrounding white space."""
    text = ctx.post.text
    start = len(text) - len(text.lstrip())
    end = max(start + 1, len(text.rstrip())) if text else 0
    return Hit(start, min(end, len(text)), 0)
