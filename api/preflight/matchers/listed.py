"""The `event` matcher: mentions of the listed events, or only those whose anniversary it is where the post is read."""
from __future__ import annotations

from preflight.packs.gazetteer import LANGUAGE_REGIONS
from preflight.matchers.base import Context, Hit
from preflight.matchers.terms import dedupe


class ListedEventMatcher:
    """`event: mention` finds every listed event's names; `event: anniversary` also its places, on its anniversary, in its regions.

    A hit carries the event's name in the post's language as `other` and its year as `value`, for the rule's message.
    """

    def __init__(self, entries: list, anniversary: bool) -> None:
        self.entries = entries
        self.anniversary = anniversary

    def triggers(self) -> set[int]:
        ids = {entry.names for entry in self.entries}
        if self.anniversary:
            ids |= {entry.places for entry in self.entries if entry.places is not None}
        return ids

    def find(self, ctx: Context) -> list[Hit]:
        post = ctx.post
        own = getattr(ctx.profile, "regions", None)
        regions = frozenset(own) if own else LANGUAGE_REGIONS.get(post.language, frozenset())
        out = []
        for entry in self.entries:
            hits = list(ctx.term_hits.get(entry.names, ()))
            if self.anniversary and entry.places is not None:
                hits += ctx.term_hits.get(entry.places, ())
            if not hits:
                continue
            if self.anniversary and not (entry.event.anniversary(post.today) and entry.event.hit(regions)):
                continue
            name = entry.event.name(post.language)
            out.extend(Hit(h.start, h.end, h.sent, value=float(entry.event.date.year), other=name) for h in hits)
        return dedupe(out)
