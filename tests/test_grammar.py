"""The grammar pack against a LanguageTool-protocol server: findings, spans, and every way the server can fail."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from preflight.grammar import CircuitBreaker, Grammar, LanguageToolClient
from preflight.grammar.findings import CATEGORIES, DROPPED_RULES, code_point_offsets
from preflight.pipeline import Submission, check_post

from .conftest import ROOT
from .fakes.languagetool import FakeLanguageTool



class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def lt():
    with FakeLanguageTool() as server:
        yield server


@pytest.fixture()
def clock():
    return Clock()


@pytest.fixture()
def grammar(lt, clock):
    client = LanguageToolClient(lt.url, timeout=0.3, breaker=CircuitBreaker(failures=3, cooldown=30, clock=clock))
    yield Grammar(client)
    client.close()


def grammar_findings(report):
    return [f for f in report.findings if f.pack == "grammar"]


def check(checker, grammar, text, language, profile=None):
    report = check_post(Submission(text, language, profile=profile), checker, [grammar])
    return report, report.skipped


def test_matches_become_findings_with_spans_and_suggestions(checker, grammar, lt):
    text = "Come and see our new colection at an unique price."
    report, skipped = check(checker, grammar, text, "en")
    assert skipped == []
    found = {f.rule: f for f in grammar_findings(report)}
    assert set(found) == {"grammar/spelling", "grammar/other"}
    spelling = found["grammar/spelling"]
    assert (spelling.span.start, spelling.span.text) == (text.index("colection"), "colection")
    assert spelling.suggestions == ("collection", "correction", "collocation")  # a few, best first
    assert spelling.severity == "info" and spelling.reference == "LanguageTool rule MORFOLOGIK_RULE_EN_GB"
    assert found["grammar/other"].span.text == "an" and found["grammar/other"].suggestions == ("a",)
    assert lt.checks[-1]["language"] == "en-GB"
    assert ("grammar", "languagetool-6.4") in report.packs


def test_spans_after_emoji_are_in_code_points(checker, grammar):
    text = "🎉🎉 Big news:  we recieve new stock on Friday 5 March 2026! #newin"
    report, _ = check(checker, grammar, text, "en")
    for finding in grammar_findings(report):
        assert text[finding.span.start:finding.span.end] == finding.span.text
    texts = {f.rule: f.span.text for f in grammar_findings(report)}
    # The doubled space (typography) and the hashtag (not a misspelled word) are dropped on purpose.
    assert texts == {"grammar/spelling": "recieve", "grammar/meaning": "Friday 5 March 2026"}
    assert report.verdict == "warn"  # a date that is not its weekday is a warning


def test_five_languages_get_their_variant_and_findings(checker, grammar, lt):
    cases = [("Onze nieuwe colectie is er, kom snel langs!", "nl", "nl-NL", ["colectie"]),
             ("Vores nye kolektion er landet 😍 kom forbi butiken i dag.", "da", "da-DK", ["kolektion", "butiken"]),
             ("Vår nya kolektion har kommit, välkommen in!", "sv", "sv", ["kolektion"]),
             ("Das neue Kollektion ist da, besuchen Sie unser Geschaft!", "de", "de-DE", ["Das neue Kollektion", "Geschaft"])]
    for text, language, sent_as, spans in cases:
        report, skipped = check(checker, grammar, text, language)
        assert skipped == [] and lt.checks[-1]["language"] == sent_as
        assert [f.span.text for f in grammar_findings(report)] == spans, language
        assert all(text[f.span.start:f.span.end] == f.span.text for f in grammar_findings(report))
    assert lt.language_requests == 1  # the server's language list is asked for once, then kept


def test_casing_and_typography_are_dropped_and_the_rest_kept(checker, grammar):
    text = "our doors open at 9 and and we close at 6."
    report, _ = check(checker, grammar, text, "en")
    assert [(f.rule, f.span.text) for f in grammar_findings(report)] == [("grammar/other", "and and")]


def test_profile_can_turn_grammar_off_or_raise_a_rule(checker, lt, clock, tmp_path):
    from preflight import Checker

    rules = tmp_path / "rules"
    (rules / "profiles").mkdir(parents=True)
    (rules / "brand-tone.yaml").write_text((ROOT / "rules" / "brand-tone.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (rules / "profiles" / "quiet.yaml").write_text("id: quiet\nname: Quiet\ndisabled_rules: [grammar]\n", encoding="utf-8")
    (rules / "profiles" / "strict.yaml").write_text(
        "id: strict\nname: Strict\nseverity_overrides:\n  grammar/spelling: block\n", encoding="utf-8")
    custom = Checker.from_directory(rules, analyzer=checker.analyzer)
    client = LanguageToolClient(lt.url, timeout=0.3, breaker=CircuitBreaker(clock=clock))
    grammar = Grammar(client)
    text = "Onze nieuwe colectie is er, kom snel langs!"
    quiet, skipped = check(custom, grammar, text, "nl", profile="quiet")
    assert grammar_findings(quiet) == [] and skipped == [] and lt.checks == []
    strict, _ = check(custom, grammar, text, "nl", profile="strict")
    assert [f.severity for f in grammar_findings(strict)] == ["block"] and strict.verdict == "block"
    client.close()


@pytest.mark.parametrize("mode,reason", [
    ("slow", "did not answer within"),
    ("500", "HTTP 500"),
    ("close", "closed the connection"),
    ("html", "not a check result"),
    ("wrong-shape", "not a check result"),
    ("outside-text", "outside the text"),
])
def test_a_failing_server_means_skipped_not_an_error(checker, grammar, lt, mode, reason):
    lt.mode = mode
    text = "Come and see our new colection at an unique price."
    report, skipped = check(checker, grammar, text, "en")
    assert len(skipped) == 1 and skipped[0]["check"] == "grammar" and reason in skipped[0]["reason"]
    assert grammar_findings(report) == [] and report.verdict == checker.check(text, language="en").verdict


def test_unreachable_server_is_skipped(checker, clock):
    with FakeLanguageTool() as gone:
        url = gone.url
    client = LanguageToolClient(url, timeout=0.3, breaker=CircuitBreaker(clock=clock))
    report, skipped = check(checker, Grammar(client), "Hello there.", "en")
    assert skipped[0]["check"] == "grammar" and "unreachable" in skipped[0]["reason"]


def test_breaker_opens_after_repeated_failures_and_closes_after_a_trial(checker, grammar, lt, clock):
    text = "Onze nieuwe colectie is er, kom snel langs!"
    lt.mode = "500"
    for _ in range(3):
        assert check(checker, grammar, text, "nl")[1][0]["reason"] == "LanguageTool answered HTTP 500"
    sent = len(lt.checks)
    lt.mode = "ok"
    for _ in range(5):
        report, skipped = check(checker, grammar, text, "nl")
        assert "failed 3 times in a row" in skipped[0]["reason"] and grammar_findings(report) == []
    assert len(lt.checks) == sent  # while open, nothing reaches the server
    clock.now += 31
    report, skipped = check(checker, grammar, text, "nl")
    assert skipped == [] and [f.span.text for f in grammar_findings(report)] == ["colectie"]
    assert len(lt.checks) == sent + 1
    assert check(checker, grammar, text, "nl")[1] == []  # closed again


def test_a_failed_trial_opens_the_breaker_again(checker, grammar, lt, clock):
    lt.mode = "close"
    for _ in range(3):
        check(checker, grammar, "Hello there.", "en")
    clock.now += 31
    assert "closed the connection" in check(checker, grammar, "Hello there.", "en")[1][0]["reason"]
    sent = len(lt.checks)
    assert "failed 3 times" in check(checker, grammar, "Hello there.", "en")[1][0]["reason"]
    assert len(lt.checks) == sent


def test_a_language_the_server_lacks_is_skipped_without_counting_as_failure(checker, clock):
    with FakeLanguageTool(languages=[{"name": "English (GB)", "code": "en", "longCode": "en-GB"}]) as lt:
        client = LanguageToolClient(lt.url, timeout=0.3, breaker=CircuitBreaker(failures=1, clock=clock))
        grammar = Grammar(client)
        _, skipped = check(checker, grammar, "Vores nye kolektion er landet.", "da")
        assert skipped == [{"check": "grammar", "reason": "this LanguageTool server does not check da-DK"}]
        assert not client.breaker.is_open and lt.checks == []
        client.close()


def test_without_a_url_grammar_is_off(checker):
    grammar = Grammar.from_config({"LANGUAGETOOL_URL": None})
    report, skipped = check(checker, grammar, "Come and see our new colection.", "en")
    assert not grammar.enabled and skipped == [] and not grammar_findings(report)
    assert "grammar" not in dict(report.packs)


def test_sentences_in_another_language_are_left_alone(lt, clock):
    from preflight.grammar.client import parse_check
    from preflight.grammar.findings import to_findings

    text = "Vores nye kolektion er landet 😍 kom forbi butiken i dag."
    body = json.dumps(lt.answer(text, "da-DK")).encode()
    cut = text.index("kom")
    findings = to_findings(parse_check(body, len(text.encode("utf-16-le")) // 2), text, "da", [(0, cut, "da"), (cut, len(text), "en")])
    assert [f.span.text for f in findings] == ["kolektion"]


@given(st.text(alphabet=st.sampled_from(["a", "é", "🎉", "👍", "\U0001f3fd", "\u200d", "ß", " "]), max_size=40))
def test_utf16_offsets_map_to_code_points(text):
    start_of, end_of = code_point_offsets(text)
    unit = 0
    for index, ch in enumerate(text):
        assert start_of(unit) == index and end_of(unit) == index
        unit += 2 if ord(ch) > 0xFFFF else 1
    assert end_of(unit) == len(text)


def test_the_category_table_in_the_docs_matches_the_code():
    doc = (ROOT / "docs" / "wire-schema.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([A-Z_]+)` \| ([^|]+?) \|", doc, re.M))
    expected = {cat: (f"`{kept[0]}` ({kept[1]})" if kept else "dropped") for cat, kept in CATEGORIES.items()}
    assert rows == expected
    for rule in DROPPED_RULES:
        assert f"`{rule}`" in doc


def test_recorded_answers_parse_as_language_tool_python_reads_them(checker, grammar, lt):
    """The fake server speaks the protocol the LanguageTool client library expects, and both place the spans alike."""
    import language_tool_python

    for language, text in [("en-GB", "Come and see our new colection at an unique price."),
                           ("da-DK", "Vores nye kolektion er landet 😍 kom forbi butiken i dag.")]:
        library = language_tool_python.LanguageTool(language, remote_server=lt.url)
        theirs = [(m.offset, m.offset + m.error_length, m.rule_id) for m in library.check(text)]
        library.close()
        ours = [(f.span.start, f.span.end, f.reference.split()[-1])
                for f in check(checker, grammar, text, language[:2])[0].findings if f.pack == "grammar"]
        assert ours == theirs


def test_command_line_check_uses_languagetool_url(checker, lt, monkeypatch, capsys):
    from rich.console import Console

    from preflight.cli import build_parser, run_check

    def main(argv):
        return run_check(checker, build_parser().parse_args(argv), Console())

    monkeypatch.setenv("LANGUAGETOOL_URL", lt.url)
    code = main(["check", "Come and see our new colection at an unique price.", "--lang", "en", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and [f["span"]["text"] for f in report["findings"] if f["pack"] == "grammar"] == ["colection", "an"]
    lt.mode = "500"
    assert main(["check", "Hello there.", "--lang", "en"]) == 0
    assert "skipped grammar: LanguageTool answered HTTP 500" in capsys.readouterr().err
