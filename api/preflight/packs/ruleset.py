"""A compiled rule set, as checks read it: what the pack cache holds, without what compiling needs (YAML, validation)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from preflight.packs.gazetteer import Gazetteer
from preflight.packs.sources import Stored

if TYPE_CHECKING:
    from preflight.matchers.terms import TermIndex
    from preflight.packs.compile import Indexes
    from preflight.packs.model import Pack, Profile
    from preflight.packs.rule import CompiledRule


@dataclass
class LoadedPack:
    id: str
    version: str
    title: str
    source: Stored  # the pack's model: its owner, description and references
    rules: list[CompiledRule]
    path: str

    @property
    def model(self) -> Pack:
        return self.source.get()


@dataclass
class RuleSet:
    """Everything compiled from one rules directory; built once, then read by every check."""

    packs: list[LoadedPack]
    profile_source: Stored  # the brand profiles by id: read when a post names one
    indexes: Indexes
    profile_indexes: dict[str, TermIndex] = field(default_factory=dict)
    gazetteer: Gazetteer = field(default_factory=Gazetteer)

    @property
    def rules(self) -> list[CompiledRule]:
        return [rule for pack in self.packs for rule in pack.rules]

    @property
    def profiles(self) -> dict[str, Profile]:
        return self.profile_source.get()


def default_rules_dir() -> Path:
    """PREFLIGHT_RULES_DIR, else the bundled rules next to the source tree, else ./rules."""
    configured = os.environ.get("PREFLIGHT_RULES_DIR")
    if configured:
        return Path(configured)
    bundled = Path(__file__).resolve().parents[3] / "rules"
    return bundled if bundled.is_dir() else Path("rules")
