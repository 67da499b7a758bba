"""Rule titles people read, and style notes that point at the characters they count rather than the whole post."""
from __future__ import annotations

from typing import get_args

import pytest

from preflight.packs.model import Language, Rule
from preflight.packs.titles import fallback_title, title_in

from .conftest import RULES


def test_a_finding_carries_the_packs_title_in_the_posts_language(checker):
    dutch = checker.check("Onze schoenen genezen rugpijn.", language="nl").findings
    assert [f.to_dict()["title"] for f in dutch if f.rule == "misleading-claims/health-claim"] == ["Gezondheidsclaim"]
    german = checker.check("Unsere Schuhe heilen Rückenschmerzen.", language="de").findings
    assert [f.to_dict()["title"] for f in german if f.rule == "misleading-claims/health-claim"] == ["Gesundheitsversprechen"]


UNTITLED = """
id: untitled
title: Untitled
version: 1.0.0
rules:
  - id: absolute-guarantee
    severity: warning
    message: {en: "{match}", da: "{match}"}
    match:
      phrase:
        da: [virker altid]
"""


def test_a_rule_without_a_title_is_named_after_its_id_read_as_words(pack_checker):
    found = {f.rule: f.to_dict()["title"] for f in pack_checker(UNTITLED).check("Cremen virker altid.", language="da").findings}
    assert found["untitled/absolute-guarantee"] == "Absolute guarantee"
    assert fallback_title("privacy/phone-number") == "Phone number"
    assert title_in({"en": "Guarantee"}, "sv", "misleading-claims/absolute-guarantee") == "Guarantee"


def test_every_shipped_rule_has_its_own_title_in_every_language(checker):
    # The id read as words is English: a Dutch or German editor would read it on their own page.
    for rule in checker.ruleset.rules:
        assert set(rule.titles) == set(get_args(Language)), (rule.id, sorted(rule.titles))
        for language, title in rule.titles.items():
            assert title == title.strip() and not title.endswith(".") and "/" not in title, (rule.id, language, title)
            first_letter = next(ch for ch in title if ch.isalpha())
            assert first_letter.isupper() and len(title.split()) <= 4, (rule.id, language, title)


def test_a_title_is_a_name_per_language_and_nothing_else():
    base = {"id": "x", "severity": "info", "message": {"en": "m"}, "match": {"regex": "x"}}
    assert Rule.model_validate({**base, "title": {"en": "Short name"}}).title == {"en": "Short name"}
    with pytest.raises(ValueError):
        Rule.model_validate({**base, "title": {"xx": "Unknown language"}})


@pytest.mark.parametrize("text,rule,places", [
    ("Sale!!! Today only, come in!!! Now!", "brand-tone/exclamation-overload", ["!!!", "!!!", "!"]),
    ("HUGE SALE THIS WEEKEND, come in EVERYONE", "brand-tone/shouting",
     ["HUGE SALE THIS WEEKEND", "EVERYONE"]),
])
def test_a_style_note_underlines_only_the_characters_it_counts(checker, text, rule, places):
    finding = next(f for f in checker.check(text, language="en").findings if f.rule == rule)
    wire = finding.to_dict()
    shown = [s["text"] for s in wire.get("spans", [wire["span"]])]
    assert shown == places
    assert all(text[s["start"]:s["end"]] == s["text"] for s in wire.get("spans", [wire["span"]]))


def test_the_rules_readme_documents_the_title_key():
    readme = (RULES / "README.md").read_text(encoding="utf-8")
    assert "### Titles" in readme and "title: {en:" in readme


def test_findings_the_engine_makes_itself_carry_titles_in_the_posts_language(checker):
    from preflight.pipeline import Submission, check_post

    from .test_pipeline import NOW, governance

    report = check_post(Submission("Denk aan iedereen die last heeft van Storm Ciarán.", "nl", now=NOW), checker,
                        [governance()])
    assert {f.rule: f.to_dict()["title"] for f in report.findings} == {"crisis/publishing-paused": "Crisismodus",
                                                                       "sensitive-topics/live-event": "Actuele gebeurtenis"}


def test_every_rule_the_engine_makes_itself_has_a_title_in_every_language():
    from preflight.governance import crisis, events
    from preflight.grammar.findings import CATEGORIES
    from preflight.images import check
    from preflight.packs.titles import ENGINE_TITLES

    made = {value for value in vars(check).values() if isinstance(value, str) and value.startswith(f"{check.PACK}/")}
    made |= {crisis.RULE, events.RULE} | {kept[0] for kept in CATEGORIES.values() if kept}
    assert made == set(ENGINE_TITLES)
    assert all(set(titles) == set(get_args(Language)) and all(titles.values()) for titles in ENGINE_TITLES.values())
