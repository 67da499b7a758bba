"""`all`, `any` and `not`: combinations of matchers within a sentence, a post or N tokens."""
from __future__ import annotations

from preflight.matchers.base import Context, Hit, Matcher, Scope, whole_post
from preflight.matchers.terms import dedupe


class NotOf:
    """Matches where its inner matcher does not; alone, it is a hit on the whole post."""

    def __init__(self, inner: Matcher) -> None:
        self.inner = inner

    def triggers(self) -> None:
        return None

    def find(self, ctx: Context) -> list[Hit]:
        return [] if self.inner.find(ctx) else [whole_post(ctx)]


class AnyOf:
    def __init__(self, children: list[Matcher]) -> None:
        self.children = children

    def triggers(self) -> set[int] | None:
        found: set[int] = set()
        for child in self.children:
            ids = child.triggers()
            if ids is None:
                return None
            found |= ids
        return found

    def find(self, ctx: Context) -> list[Hit]:
        # One problem, one finding: a hit inside a longer one of another alternative adds nothing.
        return dedupe([hit for child in self.children for hit in child.find(ctx)])


class AllOf:
    """The first matcher's hits, kept where every other matcher holds within the scope."""

    def __init__(self, children: list[Matcher], scope: Scope) -> None:
        self.anchor = children[0]
        self.others = children[1:]
        self.scope = scope

    def triggers(self) -> set[int] | None:
        return self.anchor.triggers()

    def find(self, ctx: Context) -> list[Hit]:
        hits = self.anchor.find(ctx)
        for other in self.others:
            if not hits:
                break
            if isinstance(other, NotOf):
                blockers = other.inner.find(ctx)
                hits = [h for h in hits if not any(self.scope.related(ctx, h, b) for b in blockers)]
            else:
                needed = other.find(ctx)
                hits = [h for h in hits if any(self.scope.related(ctx, h, n) for n in needed)]
        return hits


class Unless:
    """Drops the hits that have an exception nearby ("guaranteed" next to "terms apply")."""

    def __init__(self, inner: Matcher, scope: Scope) -> None:
        self.inner = inner
        self.scope = scope

    def filter(self, ctx: Context, hits: list[Hit]) -> list[Hit]:
        if not hits:
            return hits
        exceptions = self.inner.find(ctx)
        return [h for h in hits if not any(self.scope.related(ctx, h, e) for e in exceptions)]
