"""Every example in every pack, one test each: the rules' own must-match and must-not-match."""
from __future__ import annotations

import pytest

from preflight.packs.examples import examples_of, run_example

from .conftest import session_checker

EXAMPLES = [e for e in examples_of(session_checker()) if e.kind != "todo"]


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{e.id}" for e in EXAMPLES])
def test_rule_example(checker, example):
    outcome = run_example(checker, example)
    assert not outcome.failed, f"{outcome.location}: {outcome.describe()}"


def test_there_are_examples_for_every_pack():
    packs = {e.rule.pack for e in EXAMPLES}
    assert packs == {"misleading-claims", "sensitive-topics", "offensive-language", "brand-tone", "privacy"}
