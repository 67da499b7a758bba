"""Impact preview: which posts a proposed rules directory would flag differently, through the engine and the CLI."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from rich.console import Console

from preflight import Checker
from preflight.cli import EXIT_PACKS, EXIT_USAGE, main
from preflight.governance.impact import TooManyPostsError, replay, take
from preflight.scan import read_posts

from .conftest import RULES

POSTS = [
    {"id": "excited", "text": "Great news! Come in today!", "language": "en"},
    {"id": "shouting", "text": "HUGE SALE THIS WEEKEND, come in", "language": "en"},
    {"id": "guarantee", "text": "Our cream never fails.", "language": "en"},
    {"id": "calm", "text": "Lovely walk in the park today.", "language": "en"},
]


def proposed_rules(root: Path, broken: bool = False) -> Path:
    """The bundled rules with three edits a policy owner might make: louder, quieter, stricter."""
    target = root / "proposed"
    shutil.copytree(RULES, target)
    tone = target / "brand-tone.yaml"
    text = tone.read_text(encoding="utf-8")
    text = text.replace("      metric: caps_ratio\n      above: 0.5", "      metric: caps_ratio\n      above: 0.9")
    text = with_severity(text, "exclamation-overload", "info", "warning")
    text = text.replace("      metric: exclamations\n      above: 3", "      metric: exclamations\n      above: 1")
    tone.write_text(text, encoding="utf-8")
    claims = target / "misleading-claims.yaml"
    claims.write_text(with_severity(claims.read_text(encoding="utf-8"), "absolute-guarantee", "warning", "block"),
                      encoding="utf-8")
    if broken:
        (target / "privacy.yaml").write_text("id: privacy\ntitle: Privacy\nversion: 0.2.0\nrules:\n  - id: x\n    sevrity: block\n",
                                             encoding="utf-8")
    return target


def with_severity(text: str, rule: str, old: str, new: str) -> str:
    """The pack's text with `rule`'s severity changed from `old` to `new` (its title line may come first)."""
    edited, count = re.subn(rf"(  - id: {rule}\n(?:    title: .*\n)?    severity: ){old}\n", rf"\g<1>{new}\n", text)
    assert count == 1, f"{rule} is not written as this test expects"
    return edited


def write_posts(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def proposed(tmp_path_factory, checker):
    return Checker.from_directory(proposed_rules(tmp_path_factory.mktemp("impact")), analyzer=checker.analyzer)


def test_replay_lists_gained_lost_and_changed_findings(checker, proposed):
    impact = replay(checker, proposed, POSTS)
    changes = {c.id: c for c in impact.changes}
    assert set(changes) == {"excited", "shouting", "guarantee"}
    assert [f.rule for f in changes["excited"].gained] == ["brand-tone/exclamation-overload"]
    assert (changes["excited"].before, changes["excited"].after) == ("pass", "warn")
    assert [f.rule for f in changes["shouting"].lost] == ["brand-tone/shouting"]
    assert (changes["shouting"].before, changes["shouting"].after) == ("warn", "pass")
    (old, new), = changes["guarantee"].reseverity
    assert (new.rule, old.severity, new.severity) == ("misleading-claims/absolute-guarantee", "warning", "block")
    assert impact.posts == 4 and impact.verdicts[("pass", "pass")] == 1
    counts = impact.rules
    assert (counts["brand-tone/exclamation-overload"].gained, counts["brand-tone/shouting"].lost) == (1, 1)
    assert (counts["misleading-claims/absolute-guarantee"].before, counts["misleading-claims/absolute-guarantee"].after) == (1, 1)


def test_identical_packs_change_nothing(checker):
    impact = replay(checker, checker, POSTS)
    assert impact.changes == [] and impact.posts == 4
    assert all(c.gained == c.lost == 0 for c in impact.rules.values())


def test_bad_lines_are_reported_and_the_rest_replayed(checker, proposed, tmp_path):
    path = write_posts(tmp_path / "posts.jsonl", [
        json.dumps(POSTS[0]), "{not json", json.dumps({"id": "no-text"}),
        json.dumps({"id": "french", "text": "Bonjour", "language": "fr"}), json.dumps(POSTS[1])])
    impact = replay(checker, proposed, read_posts(path))
    assert impact.posts == 2 and {c.id for c in impact.changes} == {"excited", "shouting"}
    assert [e["id"] for e in impact.errors] == ["line 2", "line 3", "french"]
    assert "unsupported language 'fr'" in impact.errors[2]["error"]


def test_a_profile_missing_from_the_proposed_rules_is_an_error_for_that_post(checker, tmp_path):
    target = proposed_rules(tmp_path)
    (target / "profiles" / "example.yaml").unlink()
    without = Checker.from_directory(target, analyzer=checker.analyzer)
    impact = replay(checker, without, [{"id": "p", "text": "Hello there.", "profile": "example"}, POSTS[3]])
    assert impact.posts == 1 and "unknown profile 'example'" in impact.errors[0]["error"]


def test_too_many_posts_are_refused_before_any_check():
    assert len(take(iter(POSTS), 4)) == 4
    with pytest.raises(TooManyPostsError):
        take(iter(POSTS), 3)


def test_json_of_the_comparison(checker, proposed):
    body = replay(checker, proposed, POSTS, {"platform": "x"}).to_dict()
    assert body["changed_posts"] == 3 and body["posts"] == 4
    excited = next(c for c in body["changes"] if c["id"] == "excited")
    assert excited["verdict"] == {"before": "pass", "after": "warn"}
    assert excited["gained"][0]["span"]["text"] == "!", "the note points at the marks it counts, not the words between"
    assert {"before": "warn", "after": "pass", "posts": 1} in body["verdicts"]
    assert {"rule": "brand-tone/shouting", "before": 1, "after": 0, "gained": 0, "lost": 1} in body["rules"]


@pytest.fixture()
def shared_analyzer(checker, monkeypatch):
    """The command builds its own Analyzer; the session's is the same thing, already loaded."""
    monkeypatch.setattr("preflight.text.analyzer.Analyzer", lambda: checker.analyzer)


def test_command_prints_json(tmp_path, capsys, shared_analyzer):
    target = proposed_rules(tmp_path)
    lines = ["id,text,language"] + [f'{p["id"]},"{p["text"]}",en' for p in POSTS]
    posts = write_posts(tmp_path / "posts.csv", lines)
    assert main(["rules", "impact", str(target), "--posts", str(posts), "--current", str(RULES), "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert {c["id"] for c in body["changes"]} == {"excited", "shouting", "guarantee"}


def test_terminal_output_names_posts_rules_and_verdicts(checker, proposed):
    from preflight.cli.impact import render

    console = Console(record=True, width=120)
    render(replay(checker, proposed, POSTS), console)
    shown = console.export_text()
    assert "4 posts replayed, 3 would change" in shown
    assert "excited (pass → warn)" in shown and "shouting (warn → pass)" in shown
    assert "+ brand-tone/exclamation-overload (warning)" in shown and "- brand-tone/shouting (warning)" in shown
    assert "misleading-claims/absolute-guarantee: warning → block" in shown


def test_command_exit_codes_for_bad_inputs(tmp_path, capsys, shared_analyzer):
    posts = write_posts(tmp_path / "posts.jsonl", [json.dumps(p) for p in POSTS])
    assert main(["rules", "impact", str(tmp_path), "--posts", str(tmp_path / "missing.jsonl")]) == EXIT_USAGE
    assert "missing.jsonl: no such file" in capsys.readouterr().err
    assert main(["rules", "impact", str(tmp_path), "--posts", str(posts), "--limit", "3"]) == EXIT_USAGE
    assert "more than 3 posts" in capsys.readouterr().err
    broken = proposed_rules(tmp_path / "b", broken=True)
    assert main(["rules", "impact", str(broken), "--posts", str(posts)]) == EXIT_PACKS
    assert f"{broken / 'privacy.yaml'}:6:5: Unknown key 'sevrity'" in capsys.readouterr().err
    assert main(["rules", "impact", str(tmp_path / "nowhere"), "--posts", str(posts)]) == EXIT_PACKS
    assert "nowhere:1:1: not a directory of rule packs" in capsys.readouterr().err
