"""Exceptions raised by the engine; each carries its context as attributes."""
from __future__ import annotations

from dataclasses import dataclass


class PreflightError(Exception):
    """Base class of every error the engine raises on purpose."""

    code = "preflight_error"


class InputError(PreflightError):
    """The caller sent something the engine cannot check (a client-fixable error)."""

    code = "invalid_input"

    def __init__(self, message: str, *, field: str = "text") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a rule pack, addressed as file:line:column."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class PackError(PreflightError):
    """A rule pack or profile could not be loaded; nothing from it is in force."""

    code = "invalid_pack"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class TextTooLongError(InputError):
    """The text is longer than the engine accepts; refused before any work."""

    code = "text_too_long"

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(f"the text is {length:,} characters long; the limit is {limit:,}")
        self.length = length
        self.limit = limit


class UnknownProfileError(InputError):
    """The request names a brand profile that does not exist."""

    code = "unknown_profile"

    def __init__(self, name: str, known: list[str]) -> None:
        known_text = ", ".join(known) if known else "none are installed"
        super().__init__(f"unknown profile {name!r} (known: {known_text})", field="profile")
        self.name = name
