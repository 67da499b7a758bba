"""Runs the examples every rule carries: must match, must not match, and known gaps."""
from __future__ import annotations

from dataclasses import dataclass

from preflight.packs.model import ExampleCase


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


@dataclass(frozen=True)
class Example:
    """One example text of one rule: where it is written and what it must do."""

    rule: object  # the CompiledRule
    kind: str
    language: str
    index: int
    case: ExampleCase

    @property
    def id(self) -> str:
        return f"{self.rule.id}:{self.kind}:{self.language}:{self.index}"


def examples_of(checker):
    """Every example of every rule of the checker's packs, in pack order."""
    for rule in checker.ruleset.rules:
        examples = rule.model.examples
        for kind in ("match", "no_match", "todo"):
            for language, items in getattr(examples, kind).items():
                for index, item in enumerate(items):
                    case = item if isinstance(item, ExampleCase) else ExampleCase(text=item)
                    yield Example(rule, kind, language, index, case)


def run_example(checker, example: Example) -> ExampleOutcome:
    """Check the example with the rule's language, exactly as written (no mixed detection)."""
    case = example.case
    report = checker.check(case.text, language=example.language, platform=case.platform, profile=case.profile,
                           context=case.context, today=case.date, mixed=False, in_reply_to=case.in_reply_to)
    fired = any(f.rule == example.rule.id for f in report.findings)
    where = example.rule.example_location(example.kind, example.language, example.index)
    return ExampleOutcome(example.rule.id, example.kind, example.language, case.text, fired, where)


def run_examples(checker) -> list[ExampleOutcome]:
    return [run_example(checker, example) for example in examples_of(checker)]
