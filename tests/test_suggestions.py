"""One-click replacements are drop-ins that fix what they replace; claims only the brand can word get guidance."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from preflight import Checker
from preflight.packs.examples import examples_of

from .test_packs_lint import GOOD_RULE, HEADER, problems_of, write_pack

LANGUAGES = {"en", "nl", "da", "sv", "de"}
RAISED = ("warning", "block")


@dataclass(frozen=True)
class Applied:
    """One replacement of one finding of a rule's own must-match example, with the sentence before and after."""

    rule: str
    language: str
    case: object
    before: str
    matched: str
    replacement: str
    after: str
    start: int  # where the replacement sits in `after`
    end: int

    @property
    def id(self) -> str:
        return f"{self.rule}:{self.language}:{self.before!r}->{self.replacement!r}"


def check(checker, language: str, case, text: str):
    return checker.check(text, language=language, platform=case.platform, profile=case.profile, context=case.context,
                         today=case.date, mixed=False, in_reply_to=case.in_reply_to)


def replacements(checker) -> list[Applied]:
    """Every replacement the packs offer on their own examples, substituted for the span it belongs to."""
    out = []
    for example in examples_of(checker):
        if example.kind != "match":
            continue
        case = example.case
        for finding in check(checker, example.language, case, case.text).findings:
            if finding.rule != example.rule.id or finding.span is None:
                continue
            span = finding.span
            for replacement in finding.suggestions:
                after = case.text[:span.start] + replacement + case.text[span.end:]
                out.append(Applied(finding.rule, example.language, case, case.text, span.text, replacement, after,
                                   span.start, span.start + len(replacement)))
    return out


@pytest.fixture(scope="module")
def applied(checker) -> list[Applied]:
    # Built when the tests run, not when they are collected: every example is checked, and a collection
    # (each parallel worker's, each run of one file) would pay for it.
    return replacements(checker)


def test_replacements_are_tried_in_every_language(applied):
    assert {a.language for a in applied} == LANGUAGES


def test_a_replacement_fixes_its_finding_and_raises_nothing_new(checker, applied):
    failures = []
    for one in applied:
        before = check(checker, one.language, one.case, one.before).findings
        after = check(checker, one.language, one.case, one.after).findings
        still = [f for f in after if f.rule == one.rule and f.span and f.span.start < one.end and one.start < f.span.end]
        if still:
            failures.append(f"{one.id}: {one.after!r} still fires {one.rule} on {still[0].span.text!r}")
        new = {f.rule for f in after if f.severity in RAISED} - {f.rule for f in before if f.severity in RAISED}
        if new:
            failures.append(f"{one.id}: {one.after!r} raises {sorted(new)}")
    assert not failures, "\n".join(failures)


def test_a_replacement_has_the_size_of_a_term(applied):
    # "cures" -> "may help you feel" leaves "may help you feel eczema": a sentence can be rewritten only by the editor.
    failures = []
    for one in applied:
        if len(one.replacement.split()) > len(one.matched.split()) + 1:
            failures.append(f"{one.replacement!r} is no drop-in for {one.matched!r}")
        if one.replacement.rstrip().endswith((".", "!", "?")):
            failures.append(f"{one.replacement!r} is a sentence")
    assert not failures, "\n".join(failures)


def test_every_rule_with_guidance_speaks_every_language_of_its_messages(checker):
    for rule in checker.ruleset.rules:
        if rule.guidance:
            assert set(rule.guidance) >= set(rule.messages), f"{rule.id}: guidance misses {set(rule.messages) - set(rule.guidance)}"


@pytest.mark.parametrize(("language", "text", "rule"), [
    ("en", "Our new cream cures eczema", "misleading-claims/health-claim"),
    ("nl", "Deze schoenen genezen je rugpijn.", "misleading-claims/health-claim"),
    ("en", "Guaranteed to work for you.", "misleading-claims/absolute-guarantee"),
    ("de", "Das ist klimaneutral.", "misleading-claims/climate-neutral-claim"),
])
def test_a_claim_gets_guidance_and_no_one_click_rewrite(checker, language, text, rule):
    report = checker.check(text, language=language, mixed=False)
    found = [f for f in report.findings if f.rule == rule]
    assert found, f"{rule} did not fire on {text!r}"
    assert found[0].suggestions == ()
    assert found[0].guidance and all(found[0].guidance)
    assert found[0].to_dict()["guidance"] == list(found[0].guidance)


def test_a_term_gets_its_replacement_and_no_guidance(checker):
    finding = next(f for f in checker.check("Cheap shoes for everyone", language="en").findings if f.rule == "brand-tone/preferred-term")
    assert finding.to_dict()["suggestions"] == ["Affordable"]
    assert finding.to_dict()["guidance"] == []


@pytest.mark.parametrize(("language", "text"), [
    ("de", "Billige Schuhe für alle."), ("nl", "Goedkope schoenen voor iedereen."),
    ("da", "Billige sko til alle."), ("sv", "Billiga skor för alla."),
])
def test_an_inflected_form_gets_no_uninflected_replacement(checker, language, text):
    # "Billige Schuhe" -> "günstig Schuhe" would break agreement: a substitution replaces a term only as written
    offered = [f.suggestions for f in checker.check(text, language=language, mixed=False).findings if f.suggestions]
    assert offered == []


def test_a_sentence_as_a_one_click_replacement_is_refused_with_the_way_out(tmp_path, analyzer):
    rule = GOOD_RULE.replace("    match:\n", '    suggestions: {en: ["Our results are good, see the study."]}\n    match:\n', 1)
    write_pack(tmp_path, HEADER + rule)
    found = problems_of(tmp_path, analyzer)
    assert any(p.startswith("demo.yaml:") and "not a drop-in replacement" in p and "'guidance'" in p for p in found), found


def test_a_term_as_a_replacement_and_advice_as_guidance_load(tmp_path, analyzer):
    rule = GOOD_RULE.replace("    match:\n", '    suggestions: {en: ["very good"]}\n    guidance: {en: ["Say what makes it good."]}\n    match:\n', 1)
    write_pack(tmp_path, HEADER + rule)
    finding = Checker.from_directory(tmp_path, analyzer=analyzer).check("this is too good", language="en").findings[0]
    assert (finding.suggestions, finding.guidance) == (("very good",), ("Say what makes it good.",))
