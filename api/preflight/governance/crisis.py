"""Crisis mode: while it is on, every post is held except the approved statements."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from preflight.errors import InputError
from preflight.report import Finding, Span

PACK = "crisis"
RULE = "crisis/publishing-paused"
MAX_MESSAGE_CHARS = 500
MAX_STATEMENTS = 50
MAX_STATEMENT_CHARS = 5000
MAX_TEAM = 100
KEY_NAME_MAX = 64
MESSAGES = {
    "en": "publishing is paused: {message}, since {since}, by {by}",
    "nl": "publiceren is gepauzeerd: {message}, sinds {since}, door {by}",
    "da": "udgivelse er sat på pause: {message}, siden {since}, af {by}",
    "sv": "publicering är pausad: {message}, sedan {since}, av {by}",
    "de": "Veröffentlichen ist pausiert: {message}, seit {since}, von {by}",
}
# Crisis mode has no end date: a post scheduled for later is held now and must be checked again before it goes out.
SCHEDULED = {
    "en": "publishing is paused now: {message}, since {since}, by {by}. This post is scheduled for {at}: check it again before it goes out",
    "nl": "publiceren is nu gepauzeerd: {message}, sinds {since}, door {by}. Deze post staat gepland voor {at}: controleer hem opnieuw voor hij uitgaat",
    "da": "udgivelse er sat på pause nu: {message}, siden {since}, af {by}. Opslaget er planlagt til {at}: tjek det igen, før det går ud",
    "sv": "publicering är pausad nu: {message}, sedan {since}, av {by}. Inlägget är schemalagt till {at}: kontrollera det igen innan det går ut",
    "de": "Veröffentlichen ist jetzt pausiert: {message}, seit {since}, von {by}. Dieser Beitrag ist für {at} geplant: prüfen Sie ihn erneut, bevor er erscheint",
}
# A check for a few minutes ahead is a post going out now, not a scheduled one.
SCHEDULED_AFTER = timedelta(minutes=15)


def normalise_statement(text: str) -> str:
    """The text without differences of case, punctuation or white space, to compare with approved statements."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(" " if unicodedata.category(c).startswith("P") else c for c in folded)
    return " ".join(kept.split())


@dataclass(frozen=True)
class Crisis:
    """The crisis switch as every process holds it."""

    active: bool = False
    message: str = ""
    approved_statements: tuple[str, ...] = ()
    since: datetime | None = None
    key_name: str | None = None
    # Key names whose approval lets a post that is not an approved statement go out.
    team: tuple[str, ...] = ()
    _approved: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_approved", frozenset(normalise_statement(s) for s in self.approved_statements))

    def is_approved(self, text: str) -> bool:
        return normalise_statement(text) in self._approved

    def finding(self, text: str, language: str, at: datetime | None = None) -> Finding | None:
        """The finding that holds a post going out `at` (None: now), or None when crisis mode is off then or the post is approved."""
        if not self.active or self.is_approved(text):
            return None
        if at is not None and self.since is not None and at < self.since:
            return None  # an audit of a post published before the crisis began
        since = f"{self.since:%Y-%m-%d %H:%M} UTC" if self.since else "-"
        later = at is not None and at > datetime.now(timezone.utc) + SCHEDULED_AFTER
        templates = SCHEDULED if later else MESSAGES
        message = templates.get(language, templates["en"]).format(
            message=self.message, since=since, by=self.key_name or "-", at=f"{at:%Y-%m-%d %H:%M %z}" if later else "")
        return Finding(rule=RULE, pack=PACK, severity="block", message=message, span=Span(0, len(text), text))

    def to_dict(self) -> dict:
        return {"active": self.active, "message": self.message, "approved_statements": list(self.approved_statements),
                "since": self.since.isoformat() if self.since else None, "by": self.key_name,
                "team": list(self.team)}


def validate_crisis(active: bool, message: str, statements: list[str]) -> tuple[str, tuple[str, ...]]:
    """The message and statements, trimmed; raises InputError naming what to fix."""
    message = message.strip()
    if active and not message:
        raise InputError("switching crisis mode on needs a message: editors see it on every held post", field="message")
    if len(message) > MAX_MESSAGE_CHARS:
        raise InputError(f"the message is {len(message)} characters; the limit is {MAX_MESSAGE_CHARS}", field="message")
    if len(statements) > MAX_STATEMENTS:
        raise InputError(f"{len(statements)} approved statements; the limit is {MAX_STATEMENTS}: "
                         "approve the few posts that may go out during the crisis", field="approved_statements")
    cleaned = []
    for index, statement in enumerate(statements):
        if not statement.strip():
            raise InputError(f"approved statement {index} is empty", field=f"approved_statements.{index}")
        if len(statement) > MAX_STATEMENT_CHARS:
            raise InputError(f"approved statement {index} is {len(statement)} characters; the limit is {MAX_STATEMENT_CHARS}",
                             field=f"approved_statements.{index}")
        cleaned.append(statement.strip())
    return message, tuple(dict.fromkeys(cleaned))


def crisis_team(names: list[str]) -> tuple[str, ...]:
    """The key names of a crisis team, trimmed and without repeats; raises InputError naming a bad one."""
    cleaned = []
    for index, name in enumerate(names):
        name = name.strip()
        if not 0 < len(name) <= KEY_NAME_MAX:
            raise InputError(f"key name {index} must be 1 to {KEY_NAME_MAX} characters", field=f"keys.{index}")
        cleaned.append(name)
    if len(cleaned) > MAX_TEAM:
        raise InputError(f"{len(cleaned)} keys on the crisis team; the limit is {MAX_TEAM}", field="keys")
    return tuple(dict.fromkeys(cleaned))
