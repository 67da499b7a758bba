"""Live sensitive events: a post that mentions one while it lasts gets a warning, a block when it also sells."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING

from preflight.errors import InputError
from preflight.matchers.base import Context, Matcher
from preflight.matchers.pattern import PatternIndex
from preflight.matchers.terms import TermIndex
from preflight.packs.compile import Indexes, PackCompiler
from preflight.report import Finding, Span
from preflight.vocab import LANGUAGES

if TYPE_CHECKING:
    from preflight.packs.model import MatchNode

PACK = "sensitive-topics"
RULE = "sensitive-topics/live-event"
# Selling is what the pack already calls selling: the call to action of its newsjacking rule.
SELLS_FROM = "sensitive-topics/tragedy-newsjacking"
MAX_TERMS = 100
MAX_TERM_CHARS = 100
MAX_NAME_CHARS = 200
MESSAGES = {
    "en": ("“{match}” refers to {event}, a sensitive event happening now. Hold jokes and promotions until it has passed.",
           "“{match}” refers to {event}, a sensitive event happening now, in a post that sells. Do not tie it to a promotion."),
    "nl": ("“{match}” verwijst naar {event}, een gevoelige gebeurtenis die nu speelt. Wacht met grappen en acties tot die voorbij is.",
           "“{match}” verwijst naar {event}, een gevoelige gebeurtenis die nu speelt, in een post die verkoopt. Koppel die niet aan een actie."),
    "da": ("“{match}” henviser til {event}, en følsom begivenhed lige nu. Vent med vittigheder og tilbud, til den er overstået.",
           "“{match}” henviser til {event}, en følsom begivenhed lige nu, i et opslag, der sælger. Forbind den ikke med et tilbud."),
    "sv": ("“{match}” syftar på {event}, en känslig händelse just nu. Vänta med skämt och erbjudanden tills den är över.",
           "“{match}” syftar på {event}, en känslig händelse just nu, i ett inlägg som säljer. Koppla den inte till ett erbjudande."),
    "de": ("„{match}“ bezieht sich auf {event}, ein heikles aktuelles Ereignis. Warten Sie mit Witzen und Aktionen, bis es vorbei ist.",
           "„{match}“ bezieht sich auf {event}, ein heikles aktuelles Ereignis, in einem verkaufenden Beitrag. Verknüpfen Sie es nicht mit einer Aktion."),
}


@dataclass(frozen=True)
class Event:
    id: int | None
    name: str
    terms: tuple[str, ...]
    starts: datetime
    ends: datetime
    note: str | None = None

    def live(self, now: datetime) -> bool:
        return self.starts <= now < self.ends

    def to_dict(self, now: datetime) -> dict:
        return {"id": self.id, "name": self.name, "terms": list(self.terms), "starts": self.starts.isoformat(),
                "ends": self.ends.isoformat(), "note": self.note, "live": self.live(now)}


def parse_moment(value: str, field: str, end: bool) -> datetime:
    """A date (an end date counts to the end of that day) or a date and time; without a zone, UTC."""
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime.combine(day + timedelta(days=1) if end else day, time(), timezone.utc)
        moment = datetime.fromisoformat(value)
        return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    except OverflowError:  # the day after 9999-12-31, or a zone that moves the moment past it
        raise InputError(f"{field} {value!r} is beyond the last representable day (9999-12-30)", field=field) from None
    except ValueError:
        raise InputError(f"{field} {value!r} is not a date (YYYY-MM-DD) or date and time (YYYY-MM-DDTHH:MM)", field=field) from None


def new_event(name: str, terms: list[str], starts: str, ends: str, note: str | None) -> Event:
    """A validated event; raises InputError naming the field to fix."""
    name = name.strip()
    if not name or len(name) > MAX_NAME_CHARS:
        raise InputError(f"the name must be 1 to {MAX_NAME_CHARS} characters", field="name")
    cleaned = tuple(dict.fromkeys(t.strip() for t in terms if t.strip()))
    if not cleaned:
        raise InputError("an event needs at least one term to recognise it by, e.g. its name or hashtag", field="terms")
    if len(cleaned) > MAX_TERMS or any(len(t) > MAX_TERM_CHARS for t in cleaned):
        raise InputError(f"up to {MAX_TERMS} terms of up to {MAX_TERM_CHARS} characters each", field="terms")
    wordless = [t for t in cleaned if not any(c.isalnum() for c in t)]
    if wordless:
        raise InputError(f"the term {wordless[0]!r} has no letter or digit to match", field="terms")
    start, stop = parse_moment(starts, "starts", end=False), parse_moment(ends, "ends", end=True)
    if stop <= start:
        raise InputError(f"the event ends ({ends}) before it starts ({starts})", field="ends")
    return Event(None, name, cleaned, start, stop, (note or "").strip() or None)


def sells_node(ruleset) -> MatchNode | None:
    """The call-to-action matcher of the newsjacking rule (the second matcher of its `all`); None without that rule."""
    rule = next((r for r in ruleset.rules if r.id == SELLS_FROM), None)
    if rule is None:
        return None
    parts = rule.model.match.all
    if not parts or len(parts) < 2:
        raise ValueError(f"{SELLS_FROM} no longer has the shape 'all: [tragedy, call to action, ...]'; "
                         "live events take their call-to-action terms from its second matcher")
    return parts[1]


class EventMatcher:
    """The terms of the known events and the call-to-action terms, compiled once per change of either."""

    def __init__(self, events: list[Event], ruleset, analyzer) -> None:
        from preflight.packs.model import MatchNode  # the pack format: only while events are live

        self.analyzer = analyzer
        self.indexes = Indexes(TermIndex(analyzer.pipelines, analyzer.words), PatternIndex(analyzer.pipelines))
        compiler = PackCompiler(analyzer, self.indexes, "events", {})
        self.events: list[tuple[Event, Matcher]] = []
        for index, event in enumerate(events):
            node = MatchNode(phrase={language: list(event.terms) for language in LANGUAGES})
            matcher, _ = compiler.matcher(node, ("events", index))
            self.events.append((event, matcher))
        node = sells_node(ruleset)
        self.sells = compiler.matcher(node, ("sells",))[0] if node is not None else None
        self.problems = [p.message for p in compiler.problems]

    def live(self, now: datetime) -> list[tuple[Event, Matcher]]:
        return [(event, matcher) for event, matcher in self.events if event.live(now)]

    def findings(self, text: str, language: str, resolved: str, platform: str | None, context: str, now: datetime) -> list[Finding]:
        """A finding for each mention of a live event; `resolved` is the post's language, for the messages."""
        live = self.live(now)
        if not live or not text.strip():
            return []
        post = self.analyzer.analyse(text, language, resolved, platform, context, now.date())
        ctx = Context(post, defaultdict(list), self.analyzer.pipelines)
        self.indexes.terms.find(ctx, into=ctx.term_hits)
        sells = self.sells is not None and bool(self.sells.find(ctx))
        template = MESSAGES.get(resolved, MESSAGES["en"])[1 if sells else 0]
        out, seen = [], set()
        for event, matcher in live:
            for hit in matcher.find(ctx):
                if (hit.start, hit.end) in seen:
                    continue
                seen.add((hit.start, hit.end))
                matched = text[hit.start:hit.end]
                out.append(Finding(rule=RULE, pack=PACK, severity="block" if sells else "warning",
                                   message=template.format(match=matched, event=event.name),
                                   span=Span(hit.start, hit.end, matched), reference=event.note))
        return out
