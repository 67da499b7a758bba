"""Rules about rules: ids, messages, examples and provenance of the shipped packs."""
from __future__ import annotations

import json
from collections import defaultdict

from preflight.packs.model import ExampleCase
from preflight.packs.docs import render_rules
from preflight.packs.schema import pack_schema, profile_schema

from .conftest import RULES

PACK_IDS = {"misleading-claims", "sensitive-topics", "offensive-language", "brand-tone", "privacy"}


def test_shipped_packs_are_the_five_text_packs(checker):
    assert {p.id for p in checker.ruleset.packs} == PACK_IDS
    for pack in checker.ruleset.packs:
        assert pack.model.owner and pack.model.description and pack.model.references, pack.id


def test_rule_ids_are_unique(checker):
    ids = [rule.id for rule in checker.ruleset.rules]
    assert len(ids) == len(set(ids))


def test_every_rule_has_examples_both_ways(checker):
    for rule in checker.ruleset.rules:
        examples = rule.model.examples
        assert sum(len(v) for v in examples.match.values()) >= 1, f"{rule.id} has no must-match example"
        assert sum(len(v) for v in examples.no_match.values()) >= 1, f"{rule.id} has no must-not-match example"


def test_every_rule_speaks_every_language_it_applies_to(checker):
    for rule in checker.ruleset.rules:
        assert rule.languages <= set(rule.messages), rule.id
        for language, message in rule.messages.items():
            assert message.strip() and len(message) <= 240, f"{rule.id} ({language}) message is empty or too long"


def test_no_term_is_in_two_packs(checker):
    owners = defaultdict(set)
    for pack in checker.ruleset.packs:
        for rule in pack.model.rules:
            for node in _term_nodes(rule.match):
                for language, terms in node.items():
                    for term in terms:
                        owners[(language, term.casefold())].add(pack.id)
    shared = {key: packs for key, packs in owners.items() if len(packs) > 1}
    assert not shared, shared


def _term_nodes(node):
    """Term lists whose words a finding can report: an `all` reports its first matcher only.

    Context words further down an `all` ("friends" in "tag 3 friends") never become a
    finding of their own, so two packs may share them.
    """
    for kind in ("phrase", "lemma"):
        value = getattr(node, kind)
        if value:
            yield value
    for child in (node.all or [])[:1] + (node.any or []):
        yield from _term_nodes(child)


def test_profiles_named_in_examples_exist(checker):
    for rule in checker.ruleset.rules:
        for kind in ("match", "no_match", "todo"):
            for items in getattr(rule.model.examples, kind).values():
                for item in items:
                    if isinstance(item, ExampleCase) and item.profile:
                        assert item.profile in checker.ruleset.profiles, (rule.id, item.profile)


def test_committed_schemas_are_current():
    assert json.loads((RULES / "pack.schema.json").read_text(encoding="utf-8")) == pack_schema(), "run: make schema"
    assert json.loads((RULES / "profile.schema.json").read_text(encoding="utf-8")) == profile_schema(), "run: make schema"


def test_rules_readme_tables_are_current(checker):
    readme = (RULES / "README.md").read_text(encoding="utf-8")
    assert render_rules(checker.ruleset) in readme, "rules/README.md is stale: run `preflight rules docs`"


def test_packs_validate_against_the_published_schema():
    import jsonschema
    import yaml

    from preflight.packs.yamlfile import PackLoader

    schema = pack_schema()
    for path in sorted(RULES.glob("*.yaml")):
        jsonschema.validate(yaml.load(path.read_text(encoding="utf-8"), Loader=PackLoader), schema)
