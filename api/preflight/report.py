"""The finding and report shapes: the wire contract the CLI and the API return."""
from __future__ import annotations

from dataclasses import dataclass, field

from preflight.packs.titles import fallback_title
from preflight.vocab import SEVERITIES

SCHEMA_VERSION = "2"
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
class Box:
    """A rectangle in an image's pixels (of the upright image), e.g. where OCR read the words."""

    x: int
    y: int
    width: int
    height: int

    def to_dict(self) -> dict:
        return {"x": self.x, "y": self.y, "width": self.width, "height": self.height}


# Where a finding about an attached image was found; text findings have none.
IMAGE_SOURCES = ("image", "alt", "ocr")


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule that fired on one span of the post, or on an attached image (`image` is its index)."""

    rule: str
    pack: str
    severity: str
    message: str
    span: Span | None
    suggestions: tuple[str, ...] = ()  # drop-in replacements for the span, which an editor may apply with one click
    reference: str | None = None
    image: int | None = None
    source: str | None = None
    box: Box | None = None
    match: dict | None = None
    score: float | None = None  # a learned model's score of the span
    details: dict | None = None  # why the model scored it so: model, threshold, the words that weighed most
    spans: tuple[Span, ...] = ()  # every place of one problem, `span` first, when it occurs more than once in a sentence
    guidance: tuple[str, ...] = ()  # what to do instead; shown, never applied to the text
    title: str | None = None  # the rule's short name in the post's language; None: made from the id

    def sort_key(self) -> tuple:
        # Post findings first, as before; then per image: the image itself, its alt text, its OCR text.
        where = (-1, -1) if self.image is None else (self.image, IMAGE_SOURCES.index(self.source))
        span = (self.span.start, self.span.end) if self.span is not None else (-1, -1)
        return (*where, *span, self.rule)

    def to_dict(self) -> dict:
        out = {
            "rule": self.rule,
            "pack": self.pack,
            "severity": self.severity,
            "title": self.title or fallback_title(self.rule),
            "message": self.message,
            "span": self.span.to_dict() if self.span is not None else None,
            "suggestions": list(self.suggestions),
            "guidance": list(self.guidance),
            "reference": self.reference,
        }
        if self.image is not None:
            out["image"] = self.image
            out["source"] = self.source
            if self.box is not None:
                out["box"] = self.box.to_dict()
            if self.match is not None:
                out["match"] = self.match
        if self.score is not None:
            out["score"] = self.score
            out["details"] = self.details
        if len(self.spans) > 1:
            out["spans"] = [span.to_dict() for span in self.spans]
        return out


@dataclass(slots=True)
class Report:
    """The outcome of checking one post."""

    verdict: str
    language: str
    findings: list[Finding]
    packs: list[tuple[str, str]]
    elapsed_ms: float
    sentences: list[tuple[int, int, str]] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # checks that could not run, and why
    images: list[dict] = field(default_factory=list)  # one entry per attached image
    checked_for: str | None = None  # the publication time the post was checked as of, ISO 8601
    approval_required: bool = False  # the profile sends this verdict to an approver instead of an editor's override

    def to_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "language": self.language,
            "findings": [f.to_dict() for f in self.findings],
            "packs": [{"id": pid, "version": version} for pid, version in self.packs],
            "elapsed_ms": round(self.elapsed_ms, 3),
            "skipped": self.skipped,
            "images": self.images,
            "checked_for": self.checked_for,
            "approval_required": self.approval_required,
        }


def decide_verdict(findings: list[Finding], block_on: str = "block") -> str:
    """pass, warn or block: block when any finding reaches `block_on`, warn on any warning."""
    worst = max((SEVERITY_RANK[f.severity] for f in findings), default=-1)
    if worst >= SEVERITY_RANK[block_on]:
        return "block"
    if worst >= SEVERITY_RANK["warning"]:
        return "warn"
    return "pass"
