"""The listed sensitive events shipped with the packs (`events/*.yaml`): what they are called, when and where they hit."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from preflight.errors import Problem
from preflight.matchers.terms import FORM
from preflight.packs.sources import Stored
from preflight.vocab import LANGUAGES

if TYPE_CHECKING:
    from preflight.packs.model import ListedEvent

EVENTS_DIR = "events"
# Where readers of a post in each language live, when the brand profile names no regions of its own.
LANGUAGE_REGIONS = {
    "en": frozenset({"GB", "IE", "US"}),
    "nl": frozenset({"NL", "BE"}),
    "da": frozenset({"DK"}),
    "sv": frozenset({"SE"}),
    "de": frozenset({"DE", "AT", "CH"}),
}


@dataclass(frozen=True, slots=True)
class Entry:
    """A listed event and the ids of its compiled terms: names and hashtags, and places (None: none)."""

    source: Stored  # the event's model: read only when a post names the event
    names: int
    places: int | None

    @property
    def event(self) -> ListedEvent:
        return self.source.get()


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
    from preflight.packs.model import EventFile
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
            gazetteer.entries.append(Entry(indexes.sources.add(event), names, places))
    return gazetteer
