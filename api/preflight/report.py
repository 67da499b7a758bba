"""The finding and report shapes: the wire contract the CLI and the API return."""
from __future__ import annotations

from dataclasses import dataclass, field

SCHEMA_VERSION = "1"
SEVERITIES = ("info", "warning", "block")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the submitted text, in Unicode code points."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule that fired on one span."""

    rule: str
    pack: str
    severity: str
    message: str
    span: Span
    suggestions: tuple[str, ...] = ()
    reference: str | None = None

    def sort_key(self) -> tuple:
        return (self.span.start, self.span.end, self.rule)

    def to_dict(self) -> dict:
        return {
            "rule": self.rule,
            "pack": self.pack,
            "severity": self.severity,
            "message": self.message,
            "span": self.span.to_dict(),
            "suggestions": list(self.suggestions),
            "reference": self.reference,
        }


@dataclass(slots=True)
class Report:
    """The outcome of checking one post."""

    verdict: str
    language: str
    findings: list[Finding]
    packs: list[tuple[str, str]]
    elapsed_ms: float
    sentences: list[tuple[int, int, str]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "language": self.language,
            "findings": [f.to_dict() for f in self.findings],
            "packs": [{"id": pid, "version": version} for pid, version in self.packs],
            "elapsed_ms": round(self.elapsed_ms, 3),
        }


def decide_verdict(findings: list[Finding], block_on: str = "block") -> str:
    """pass, warn or block: block when any finding reaches `block_on`, warn on any warning."""
    worst = max((SEVERITY_RANK[f.severity] for f in findings), default=-1)
    if worst >= SEVERITY_RANK[block_on]:
        return "block"
    if worst >= SEVERITY_RANK["warning"]:
        return "warn"
    return "pass"
