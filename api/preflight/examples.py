"""Runs the examples every rule carries: must match, must not match, and known gaps."""
from __future__ import annotations

from dataclasses import dataclass

from .packs.model import ExampleCase


@dataclass(frozen=True)
class ExampleOutcome:
    rule: str
    kind: str  # match | no_match | todo
    language: str
    text: str
    fired: bool
    location: str

    @property
    def failed(self) -> bool:
        return (self.kind == "match" and not self.fired) or (self.kind == "no_match" and self.fired)

    def describe(self) -> str:
        if self.kind == "no_match":
            return f"False positive against {self.rule}: {self.text!r} ({self.language})"
        if self.kind == "match":
            return f"Missed by {self.rule}: {self.text!r} ({self.language})"
        state = "now matches: move it to 'match'" if self.fired else "still missed (todo)"
        return f"Known gap in {self.rule}, {state}: {self.text!r} ({self.language})"


def run_examples(checker) -> list[ExampleOutcome]:
    """Check every example with the rule's language, exactly as written (no mixed detection)."""
    outcomes = []
    for rule in checker.ruleset.rules:
        examples = rule.model.examples
        for kind in ("match", "no_match", "todo"):
            for language, items in getattr(examples, kind).items():
                for index, item in enumerate(items):
                    case = item if isinstance(item, ExampleCase) else ExampleCase(text=item)
                    report = checker.check(
                        case.text,
                        language=language,
                        platform=case.platform,
                        profile=case.profile,
                        context=case.context,
                        today=case.date,
                        mixed=False,
                        in_reply_to=case.in_reply_to,
                    )
                    fired = any(f.rule == rule.id for f in report.findings)
                    where = rule.example_location(kind, language, index)
                    outcomes.append(ExampleOutcome(rule.id, kind, language, case.text, fired, where))
    return outcomes
