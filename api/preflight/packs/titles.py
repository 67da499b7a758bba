"""A rule's title, the short name a person reads in cards and reports: the pack's, else one made from its id."""
from __future__ import annotations

from typing import get_args

from preflight.packs.model import Language


def fallback_title(rule: str) -> str:
    """'misleading-claims/health-claim' -> 'Health claim': the rule's own id, read as words."""
    words = rule.rsplit("/", 1)[-1].replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else rule


def title_in(titles: dict[str, str], language: str, rule: str) -> str:
    """The title in `language`, else the English one, else the one made from the id."""
    return titles.get(language) or titles.get("en") or fallback_title(rule)


def titles_of(titles: dict[str, str], rule: str) -> dict[str, str]:
    """The title in every language of the pack format, for pages that speak the reader's language."""
    return {language: title_in(titles, language, rule) for language in get_args(Language)}
