"""Mistakes a policy owner makes in a pack's YAML: each is reported on the line to change, in plain words
that say what is wrong and how to fix it, and nothing of the broken directory is loaded."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from preflight import Checker, PackError
from preflight.cli import main
from preflight.packs.yamlfile import read_yaml

from .conftest import RULES
from .test_api import auth
from .test_packs_lint import GOOD_RULE, HEADER

GOOD = HEADER + GOOD_RULE.lstrip("\n")  # the small valid pack of test_packs_lint, from line 1


def broken(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


# (name, file text, line, column, words the message must hold: what is wrong, then how to fix it)
CASES = [
    ("tab", broken("    severity", "\tseverity"), 6, 1,
     ["Line 6 is indented with a tab", "replace the tab with spaces"]),
    ("key indented more", broken("    severity", "      severity"), 6, 7,
     ["Line 6 is indented more than line 5", "move it to column 5"]),
    ("key indented less", broken("    match:\n", "   match:\n"), 8, 4,
     ["Line 8 is indented less than line 7", "'match' starts in column 4", "move it to column 5"]),
    ("list item out of line", broken("  - id", "   - id"), 6, 5,
     ["Line 6 is indented less than line 5", "move it to column 6"]),
    ("unclosed double quote in a flow", broken('"“{match}” is too good."', '"“{match}” is too good.'), 7, 19,
     ["Line 7 opens a quote (\")", "never closed", "Add the closing \""]),
    ("unclosed single quote", broken("title: Demo", "title: 'Demo"), 2, 8,
     ["Line 2 opens a quote (')", "never closed", "Add the closing '"]),
    ("unclosed quote runs on to a later line", broken("title: Demo", 'title: "Demo'), 2, 8,
     ["Line 2 opens a quote (\")", "never closed"]),
    ("unclosed bracket", broken("[too good]", "[too good"), 9, 20,
     ["Line 9 opens a list with '['", "not closed", "Add ']'"]),
    ("unclosed brace", broken('no_match: {en: ["good enough"]}', 'no_match: {en: ["good enough"]'), 12, 17,
     ["Line 12 opens a set of keys with '{'", "Add '}'"]),
    ("no space after the colon", broken("severity: warning", "severity:warning"), 6, 14,
     ["Line 6 needs a space after the colon", "'severity: warning', not 'severity:warning'"]),
    ("colon inside a value", broken("title: Demo", "title: Note: this is a demo"), 2, 8,
     ["Line 2 has a second colon in the value of 'title'", 'Put the value in quotes: title: "Note: this is a demo"']),
    ("text after the closing quote", broken('message: {en: "“{match}” is too good."}', 'message: "too" good'), 7, 20,
     ["Line 7 has more text after the closing quote", "inside the quotes"]),
    ("list item among keys", broken("    severity: warning\n", "    severity: warning\n    - block\n"), 7, 5,
     ["Line 7 is a list item", "among keys", "'key: value'"]),
    ("stray character", broken("version: 1.0.0", "version: `1.0.0`"), 3, 10,
     ["Line 3 has '`' where a value starts", "Put the whole value in quotes"]),
    ("backslash in double quotes", broken("phrase: {en: [too good]}", 'regex: "\\d+ good"'), 9, 16,
     ["Line 9 has a backslash", "two backslashes", "single quotes"]),
    ("duplicate key", broken("    severity: warning\n", "    severity: warning\n    severity: block\n"), 7, 5,
     ["Line 7 repeats the key 'severity', already set on line 6", "only the last", "Keep one"]),
    ("list item on the key's line", broken("phrase: {en: [too good]}", "phrase: {en: - too good}"), 9, 20,
     ["Line 9 has '-' where a value starts", "in quotes"]),
    ("list started on the key's line", broken("version: 1.0.0\nrules:\n", "version: 1.0.0\nreferences: - the guide\nrules:\n"), 4, 13,
     ["Line 4 has a list item ('- ') on the same line as its key", "on a line of its own"]),
    ("brackets as a key", broken("title: Demo", "[title]: Demo"), 2, 1,
     ["Line 2 uses a list or a set of keys as a key", "after the key and the colon"]),
    ("invisible control character", broken("title: Demo", "title: De\x0cmo"), 2, 10,
     ["Line 2 holds an invisible control character (U+000C)", "delete it"]),
    ("option of another matcher kind", broken("phrase: {en: [too good]}", "phrase: {en: [too good]}\n      whole_post: [en]"), 8, 5,
     ["'whole_post' goes with classifier, not with phrase", "move it to that matcher or remove it"]),
    ("empty file", "# nothing yet\n", 1, 1, ["The file is empty", "delete the file"]),
    ("a list instead of a pack", "- " + GOOD.replace("\n", "\n  ").rstrip() + "\n", 1, 1,
     ["The file is a list", "a pack is a set of keys", "Remove the leading '- '"]),
]
IDS = [case[0] for case in CASES]


def only_problem(directory: Path, analyzer) -> str:
    with pytest.raises(PackError) as caught:
        Checker.from_directory(directory, analyzer=analyzer)
    problems = [str(p).removeprefix(f"{directory}/") for p in caught.value.problems]
    assert len(problems) == 1, problems
    return problems[0]


def test_the_unbroken_pack_loads(tmp_path, analyzer):
    (tmp_path / "demo.yaml").write_text(GOOD, encoding="utf-8")
    checker = Checker.from_directory(tmp_path, analyzer=analyzer)
    assert [f.rule for f in checker.check("That is too good.", language="en").findings] == ["demo/too-good"]


@pytest.mark.parametrize(("name", "text", "line", "column", "words"), CASES, ids=IDS)
def test_each_mistake_is_named_on_its_line_with_a_fix(tmp_path, analyzer, name, text, line, column, words):
    (tmp_path / "demo.yaml").write_text(text, encoding="utf-8")
    problem = only_problem(tmp_path, analyzer)
    assert problem.startswith(f"demo.yaml:{line}:{column}: "), problem
    for word in words:
        assert word in problem, problem
    # The parser's own vocabulary is not what a policy owner reads.
    for jargon in ("<block end>", "<scalar>", "cannot start any token", "simple key", "YAML syntax error"):
        assert jargon not in problem, problem


@pytest.mark.parametrize(("name", "text", "line", "column", "words"), CASES, ids=IDS)
def test_a_reload_with_the_mistake_keeps_the_packs_in_force(tmp_path, client, keys, api, name, text, line, column, words):
    service = api.extensions["preflight"]
    before = service.checker
    service.rules_dir = str(tmp_path)
    (tmp_path / "demo.yaml").write_text(text, encoding="utf-8")
    try:
        response = client.post("/v1/packs/reload", headers=auth(keys["admin"]))
        assert response.status_code == 422
        problem = response.get_json()["error"]["details"][0]["problem"]
        assert f"/demo.yaml:{line}:{column}: " in problem and words[0] in problem, problem
        assert service.checker is before
        verdict = client.post("/v1/check", json={"text": "Our cream never fails.", "language": "en"}, headers=auth(keys["check"]))
        assert verdict.get_json()["verdict"] == "warn"
    finally:
        service.rules_dir = str(RULES)


def test_lint_prints_each_problem_as_file_line_column(tmp_path, analyzer, monkeypatch, capsys):
    compiled = Checker.from_directory
    monkeypatch.setattr(Checker, "from_directory", classmethod(lambda cls, d, **options: compiled(d, analyzer=analyzer)))
    (tmp_path / "demo.yaml").write_text(broken("    severity", "\tseverity"), encoding="utf-8")
    (tmp_path / "other.yaml").write_text(broken("id: demo", "id: other").replace("title: Demo", "title: Note: other"),
                                         encoding="utf-8")
    capsys.readouterr()
    assert main(["rules", "lint", str(tmp_path)]) == 4
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == f"{tmp_path}/demo.yaml:6:1: Line 6 is indented with a tab. YAML needs spaces: replace the tab with " \
                       "spaces, the same number as the lines around it."
    assert lines[1].startswith(f"{tmp_path}/other.yaml:2:8: Line 2 has a second colon in the value of 'title'")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_edit_of_a_pack_reads_or_gives_a_problem_on_a_line_of_the_file(tmp_path, data):
    """Whatever a policy owner types or deletes, the reading ends in data or in problems inside the file, never a crash."""
    position = data.draw(st.integers(0, len(GOOD)))
    cut = data.draw(st.integers(0, 3))
    typed = data.draw(st.text(alphabet=" \t\n\r\x0c:-#'\"[]{},@`&*!|>%?\\ab", max_size=3))
    text = GOOD[:position] + typed + GOOD[position + cut:]
    (tmp_path / "demo.yaml").write_text(text, encoding="utf-8")
    data_read, _, problems = read_yaml(tmp_path / "demo.yaml", "demo.yaml")
    assert data_read is not None or problems
    for problem in problems:
        # YAML breaks lines at \r\n, a lone \r and \n, as editors do; the problem's line is one of those lines.
        assert 1 <= problem.line <= len(re.findall(r"\r\n|\r|\n", text)) + 1 and problem.column >= 1, problem
        assert "<block end>" not in problem.message


def test_a_profile_written_as_a_list_is_named_as_such(tmp_path, analyzer):
    (tmp_path / "demo.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "shop.yaml").write_text("- id: shop\n  name: Shop\n", encoding="utf-8")
    problem = only_problem(tmp_path, analyzer)
    assert problem.startswith("profiles/shop.yaml:1:1: The file is a list"), problem
    assert "Remove the leading '- '" in problem
