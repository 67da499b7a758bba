"""The listed sensitive events shipped with the packs (`events/*.yaml`): what they are called, when and where they hit."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from preflight.errors import Problem
from preflight.matchers.terms import FORM
from preflight.vocab import LANGUAGES
from preflight.packs.model import KEBAB, Language, Strict, Term

EVENTS_DIR = "events"
EventKind = Literal["disaster", "terror-attack", "mass-shooting", "war", "pandemic", "storm", "accident"]
# Two-letter country codes (ISO 3166-1 alpha-2), or `global` for events every reader knows.
REGION = re.compile(r"^([A-Z]{2}|global)$")
# Where readers of a post in each language live, when the brand profile names no regions of its own.
LANGUAGE_REGIONS = {
    "en": frozenset({"GB", "IE", "US"}),
    "nl": frozenset({"NL", "BE"}),
    "da": frozenset({"DK"}),
    "sv": frozenset({"SE"}),
    "de": frozenset({"DE", "AT", "CH"}),
}
# A post a day early or late still lands on the anniversary somewhere in its readers' time zones and news.
ANNIVERSARY_DAYS = 1


class ListedEvent(Strict):
    """One tragedy, attack, war, pandemic or storm: the names a post would use for it, its date and where it hit."""

    id: str = Field(pattern=KEBAB, description="Stable id, kebab-case, unique across every events file.")
    kind: EventKind
    date: dt.date = Field(description="The day it happened or began (YYYY-MM-DD): its anniversary.")
    ends: dt.date | None = Field(None, description="The last day, for events that lasted (wars, pandemics).")
    regions: list[str] = Field(min_length=1, description="Country codes it hit (GB, NL, DE...), or `global`.")
    names: dict[Language, list[Term]] = Field(min_length=1, description="Its names as the press of each language writes "
                                                                        "them; English names are matched in every language.")
    hashtags: list[str] = Field(default_factory=list, description="Hashtags it is known by, matched in every language.")
    places: list[Term] = Field(default_factory=list, description="Places named after it ('Utøya'): read as the event on "
                                                                "its anniversary only, since the place has other news.")
    source: str = Field(min_length=3, description="Where the facts come from, e.g. 'Wikipedia (en): Grenfell Tower fire'.")

    @field_validator("regions")
    @classmethod
    def valid_regions(cls, value: list[str]) -> list[str]:
        if "UK" in value:
            raise ValueError("'UK' is not a region: the country code of the United Kingdom is GB")
        bad = [r for r in value if not REGION.match(r)]
        if bad:
            raise ValueError(f"{bad[0]!r} is not a region: write a two-letter country code (GB, NL, DK) or 'global'")
        return value

    @field_validator("hashtags")
    @classmethod
    def valid_hashtags(cls, value: list[str]) -> list[str]:
        bad = [h for h in value if not h.startswith("#") or len(h) < 2 or " " in h]
        if bad:
            raise ValueError(f"{bad[0]!r} is not a hashtag: write it as posted, e.g. '#Grenfell'")
        return value

    def name(self, language: str) -> str:
        """The event's name in a post's language, else in English, else any."""
        listed = self.names.get(language) or self.names.get("en") or next(iter(self.names.values()))
        return listed[0]

    def hit(self, regions: frozenset[str]) -> bool:
        return "global" in self.regions or not regions.isdisjoint(self.regions)

    def anniversary(self, day: dt.date) -> bool:
        """Whether `day` is within a day of the date it happened, in any year since (the day itself included)."""
        if day < self.date - dt.timedelta(days=ANNIVERSARY_DAYS):
            return False
        for year in (day.year - 1, day.year, day.year + 1):
            try:
                then = self.date.replace(year=year)
            except ValueError:  # 29 February in a common year
                then = dt.date(year, 2, 28)
            if abs((then - day).days) <= ANNIVERSARY_DAYS:
                return True
        return False

    @field_validator("ends")
    @classmethod
    def ends_after(cls, value, info):
        start = info.data.get("date")
        if value is not None and start is not None and value < start:
            raise ValueError(f"the event ends ({value}) before it begins ({start})")
        return value


class EventFile(Strict):
    """One file of listed events; policy owners add their own beside the shipped ones."""

    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    description: str | None = None
    events: list[ListedEvent]


@dataclass(frozen=True, slots=True)
class Entry:
    """A listed event and the ids of its compiled terms: names and hashtags, and places (None: none)."""

    event: ListedEvent
    names: int
    places: int | None


@dataclass
class Gazetteer:
    """Every listed event of a rules directory, its terms compiled into the packs' term index."""

    entries: list[Entry] = field(default_factory=list)
    files: list[tuple[str, str]] = field(default_factory=list)  # (file, version)

    def __len__(self) -> int:
        return len(self.entries)


def load_gazetteer(root: Path, analyzer, indexes, problems: list[Problem]) -> Gazetteer:
    """The events of `root/events/*.yaml` with their terms compiled; problems are added as file:line:col."""
    from preflight.packs.load import read_model
    from preflight.packs.yamlfile import locate

    gazetteer = Gazetteer()
    seen: dict[str, str] = {}
    for path in sorted((root / EVENTS_DIR).glob("*.y*ml")):
        model, display, marks = read_model(path, EventFile, problems)
        if model is None:
            continue
        gazetteer.files.append((display, model.version))
        for index, event in enumerate(model.events):
            line, col = locate(marks, ("events", index, "id"))
            if event.id in seen:
                problems.append(Problem(display, line, col, f"duplicate event id '{event.id}' (first in {seen[event.id]})"))
                continue
            seen[event.id] = f"{display}:{line}"
            names = indexes.new_id()
            wordless: set[str] = set()
            for language in LANGUAGES:
                terms = dict.fromkeys([*event.names.get(language, []), *event.names.get("en", []), *event.hashtags])
                wordless.update(term for term in terms if not indexes.terms.add(names, FORM, language, term))
            for term in sorted(wordless):
                problems.append(Problem(display, line, col, f"the name {term!r} of '{event.id}' has no words to match"))
            places = indexes.new_id() if event.places else None
            for term in event.places:
                for language in LANGUAGES:
                    indexes.terms.add(places, FORM, language, term)
            gazetteer.entries.append(Entry(event, names, places))
    return gazetteer
