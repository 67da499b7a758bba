"""Broken packs: every problem reported as file:line:column, nothing half-loaded."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from preflight import Checker, PackError

GOOD_RULE = """
  - id: too-good
    severity: warning
    message: {en: "“{match}” is too good."}
    match:
      phrase: {en: [too good]}
    examples:
      match: {en: ["too good to be true"]}
      no_match: {en: ["good enough"]}
"""


def write_pack(tmp_path: Path, body: str, name: str = "demo.yaml") -> Path:
    (tmp_path / name).write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    return tmp_path


def problems_of(tmp_path: Path, analyzer) -> list[str]:
    with pytest.raises(PackError) as caught:
        Checker.from_directory(tmp_path, analyzer=analyzer)
    prefix = str(tmp_path) + "/"
    return [str(p).removeprefix(prefix) for p in caught.value.problems]


HEADER = "id: demo\ntitle: Demo\nversion: 1.0.0\nrules:\n"


def test_a_good_pack_loads_and_checks(tmp_path, analyzer):
    write_pack(tmp_path, HEADER + GOOD_RULE)
    checker = Checker.from_directory(tmp_path, analyzer=analyzer)
    assert [f.rule for f in checker.check("this is too good", language="en").findings] == ["demo/too-good"]


def test_unknown_key_has_location_and_did_you_mean(tmp_path, analyzer):
    write_pack(tmp_path, HEADER + GOOD_RULE.replace("severity:", "severty:"))
    found = problems_of(tmp_path, analyzer)
    assert any(p.startswith("demo.yaml:7:5: Unknown key 'severty'. Did you mean 'severity'?") for p in found), found
    assert any("Missing the required 'severity' key." in p for p in found)


def test_wrong_type_and_bad_severity(tmp_path, analyzer):
    write_pack(tmp_path, HEADER + GOOD_RULE.replace("severity: warning", "severity: fatal"))
    found = problems_of(tmp_path, analyzer)
    assert any(p.startswith("demo.yaml:7:5: 'severity':") and "'info', 'warning' or 'block'" in p for p in found), found


def test_duplicate_rule_ids(tmp_path, analyzer):
    write_pack(tmp_path, HEADER + GOOD_RULE + GOOD_RULE)
    found = problems_of(tmp_path, analyzer)
    assert any("demo.yaml:15:5: duplicate rule id 'too-good'" in p for p in found), found


def test_unsupported_language(tmp_path, analyzer):
    write_pack(tmp_path, HEADER + GOOD_RULE.replace("phrase: {en: [too good]}", "phrase: {en: [too good], fr: [trop bon]}"))
    found = problems_of(tmp_path, analyzer)
    assert any(p.startswith("demo.yaml:10:") and "'fr'" in p for p in found), found


def test_regex_that_re2_refuses(tmp_path, analyzer):
    body = GOOD_RULE.replace("phrase: {en: [too good]}", "regex: '(a+)+(?=b)'")
    write_pack(tmp_path, HEADER + body)
    found = problems_of(tmp_path, analyzer)
    assert any(p.startswith("demo.yaml:10:7: invalid regex") and "(?=" in p for p in found), found


def test_missing_message_language(tmp_path, analyzer):
    body = GOOD_RULE.replace("phrase: {en: [too good]}", "phrase: {en: [too good], nl: [te mooi]}")
    write_pack(tmp_path, HEADER + body)
    found = problems_of(tmp_path, analyzer)
    assert any(p.startswith("demo.yaml:8:5: Missing the message in 'nl'") for p in found), found


def test_unknown_placeholder(tmp_path, analyzer):
    write_pack(tmp_path, HEADER + GOOD_RULE.replace("{match}", "{matched}"))
    found = problems_of(tmp_path, analyzer)
    assert any("unknown placeholder {matched}" in p for p in found), found


def test_yaml_syntax_error_has_its_line(tmp_path, analyzer):
    write_pack(tmp_path, HEADER + GOOD_RULE.replace("severity: warning", "severity: [warning"))
    found = problems_of(tmp_path, analyzer)
    assert found == ["demo.yaml:7:15: Line 7 opens a list with '[' in column 15 that is not closed where it should be. "
                     "Add ']' at its end, and check the commas between its items."]


def test_norway_stays_a_word(tmp_path, analyzer):
    body = GOOD_RULE.replace("phrase: {en: [too good]}", "phrase: {en: [no, on, off]}").replace(
        'match: {en: ["too good to be true"]}', 'match: {en: ["say no"]}'
    ).replace('no_match: {en: ["good enough"]}', 'no_match: {en: ["say yes"]}')
    write_pack(tmp_path, HEADER + body)
    checker = Checker.from_directory(tmp_path, analyzer=analyzer)
    assert [f.span.text for f in checker.check("say no", language="en").findings] == ["no"]


def test_one_bad_pack_keeps_every_pack_out(tmp_path, analyzer):
    write_pack(tmp_path, HEADER + GOOD_RULE)
    write_pack(tmp_path, HEADER.replace("demo", "other") + GOOD_RULE.replace("severity: warning", "severity: 3"), "other.yaml")
    found = problems_of(tmp_path, analyzer)
    assert all(p.startswith("other.yaml:") for p in found), found


def test_duplicate_keys_are_reported(tmp_path, analyzer):
    write_pack(tmp_path, HEADER + GOOD_RULE.replace("severity: warning", "severity: warning\n    severity: block"))
    found = problems_of(tmp_path, analyzer)
    assert any("demo.yaml:8:5: Line 8 repeats the key 'severity', already set on line 7" in p for p in found), found


def test_regex_and_matcher_kind_errors(tmp_path, analyzer):
    body = GOOD_RULE.replace("phrase: {en: [too good]}", "phrase: {en: [too good]}\n      regex: 'x'")
    write_pack(tmp_path, HEADER + body)
    found = problems_of(tmp_path, analyzer)
    assert any("exactly one of" in p and "phrase, regex" in p for p in found), found


def test_regex_in_token_pattern_is_refused(tmp_path, analyzer):
    body = GOOD_RULE.replace("phrase: {en: [too good]}", 'pattern: {en: [[{TEXT: {REGEX: "(a+)+$"}}]]}')
    write_pack(tmp_path, HEADER + body)
    found = problems_of(tmp_path, analyzer)
    assert any("REGEX and FUZZY are not allowed" in p for p in found), found


def test_not_a_directory(tmp_path, analyzer):
    found = problems_of(tmp_path / "missing", analyzer)
    assert "not a directory of rule packs" in found[0]


def test_bad_profile_is_reported(tmp_path, analyzer):
    write_pack(tmp_path, HEADER + GOOD_RULE)
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "acme.yaml").write_text("id: acme\nname: ACME\nblock_on: severe\n", encoding="utf-8")
    found = problems_of(tmp_path, analyzer)
    assert any(p.startswith("profiles/acme.yaml:3:1: 'block_on'") for p in found), found
