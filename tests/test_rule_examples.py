"""Every example in every pack, one test each: the rules' own must-match and must-not-match."""
from __future__ import annotations

import pytest

from preflight.examples import run_examples

from .conftest import RULES


def _outcomes():
    from preflight import Checker
    from preflight.analyzer import Analyzer

    return run_examples(Checker.from_directory(RULES, analyzer=Analyzer()))


OUTCOMES = [o for o in _outcomes() if o.kind != "todo"]


@pytest.mark.parametrize("outcome", OUTCOMES, ids=[f"{o.rule}:{o.kind}:{o.language}:{i}" for i, o in enumerate(OUTCOMES)])
def test_rule_example(outcome):
    assert not outcome.failed, f"{outcome.location}: {outcome.describe()}"


def test_there_are_examples_for_every_pack():
    packs = {o.rule.split("/")[0] for o in OUTCOMES}
    assert packs == {"misleading-claims", "sensitive-topics", "offensive-language", "brand-tone", "privacy"}
