"""The `preflight` command as scripts and CI pipelines use it: exit codes and output.

The commands run in this process (as `main` with a list of arguments); one test starts the real program.
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from preflight.checker import Checker
from preflight.cli import main

from .conftest import ROOT, RULES


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture(autouse=True)
def no_server_state(tmp_path, monkeypatch):
    """No crisis mode or events from a database this machine happens to have."""
    monkeypatch.setenv("PREFLIGHT_DATABASE_URL", f"sqlite:///{tmp_path / 'absent.db'}")
    monkeypatch.delenv("LANGUAGETOOL_URL", raising=False)


@pytest.fixture()
def run(capsys, monkeypatch, checker):
    """The command in this process; the bundled packs are the session's, already compiled."""
    compiled = Checker.from_directory

    def from_directory(cls, directory, **options):
        return checker if Path(directory).resolve() == RULES.resolve() else compiled(directory, **options)

    monkeypatch.setattr(Checker, "from_directory", classmethod(from_directory))

    def run(*args: str, stdin: str | None = None) -> Ran:
        capsys.readouterr()
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin or ""))
        code = main(list(args))
        out, err = capsys.readouterr()
        return Ran(code, out, err)

    return run


def test_check_exit_codes_follow_the_verdict(run):
    assert run("check", "Lovely walk in the park today.", "--lang", "en").returncode == 0
    assert run("check", "Our cream never fails.", "--lang", "en").returncode == 1
    assert run("check", "Onze schoenen genezen gegarandeerd rugpijn! #gezondheid").returncode == 2


def test_check_json_from_stdin(run):
    result = run("check", "-", "--json", "--lang", "nl", stdin="Onze schoenen genezen gegarandeerd rugpijn!")
    report = json.loads(result.stdout)
    assert report["verdict"] == "block"
    assert {"misleading-claims/health-claim", "misleading-claims/absolute-guarantee"} <= {f["rule"] for f in report["findings"]}


def test_human_output_names_rule_and_message(run):
    result = run("check", "Onze schoenen genezen gegarandeerd rugpijn!", "--lang", "nl")
    assert "misleading-claims/health-claim" in result.stdout
    assert "claimt een medisch effect" in result.stdout


def test_bad_option_is_exit_3_with_a_message(run):
    result = run("check", "hello", "--lang", "fr")
    assert result.returncode == 3
    assert "unsupported language 'fr'" in result.stderr
    assert "Traceback" not in result.stderr


def test_lint_of_a_broken_pack_lists_problems(run, tmp_path: Path):
    (tmp_path / "bad.yaml").write_text("id: bad\ntitle: Bad\nversion: 1\nrules: []\n", encoding="utf-8")
    result = run("rules", "lint", str(tmp_path))
    assert result.returncode == 4
    assert f"{tmp_path}/bad.yaml:3:1: 'version': Input should be a valid string" in result.stderr
    assert "Traceback" not in result.stderr


def test_rules_test_passes_on_the_shipped_packs(run):
    result = run("rules", "test")
    assert result.returncode == 0, result.stdout
    assert " 0 failed" in result.stdout


def test_schema_is_json(run):
    schema = json.loads(run("rules", "schema").stdout)
    assert schema["title"] == "preflight rule pack"


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_scan_writes_one_line_per_post_and_a_summary(run, tmp_path: Path, fmt: str):
    posts = [
        {"id": "a", "text": "Lovely walk in the park today.", "language": "en"},
        {"id": "b", "text": "Onze schoenen genezen gegarandeerd rugpijn!", "language": "nl"},
        {"id": "c", "text": "Call me on +44 20 7946 0958", "context": "reply"},
    ]
    source = tmp_path / f"posts.{fmt}"
    if fmt == "jsonl":
        source.write_text("\n".join(json.dumps(p) for p in posts) + "\n{broken\n", encoding="utf-8")
    else:
        rows = ["id,text,language"] + [f'{p["id"]},"{p["text"]}",{p.get("language", "")}' for p in posts]
        source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run("scan", str(source), "--out", str(out), "--jobs", "1")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines[:3]] == ["a", "b", "c"]
    assert lines[0]["report"]["verdict"] == "pass"
    assert lines[1]["report"]["verdict"] == "block"
    assert "privacy/phone-number" in {f["rule"] for f in lines[2]["report"]["findings"]}
    if fmt == "jsonl":
        assert "not valid JSON" in lines[3]["error"]
    assert "posts: block" in result.stderr


def test_scan_of_a_csv_without_text_column(run, tmp_path: Path):
    source = tmp_path / "posts.csv"
    source.write_text("id,body\n1,hello\n", encoding="utf-8")
    result = run("scan", str(source))
    assert result.returncode == 3
    assert "needs a 'text' column" in result.stderr


def test_the_installed_command_scans_in_worker_processes(tmp_path: Path):
    """The real program (`python -m preflight.cli`): a scan forked over two workers; a check in a fresh process is below."""
    source = tmp_path / "posts.jsonl"
    source.write_text("\n".join(json.dumps({"id": str(i), "text": text, "language": "nl"}) for i, text in
                                enumerate(["Tot ziens in de winkel!", "Onze schoenen genezen gegarandeerd rugpijn!"])),
                      encoding="utf-8")
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "api"), "PREFLIGHT_DATABASE_URL": f"sqlite:///{tmp_path / 'absent.db'}"}
    scan = subprocess.run([sys.executable, "-m", "preflight.cli", "scan", str(source), "--out", str(out), "--jobs", "2"],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert scan.returncode == 0, scan.stderr
    assert [json.loads(line)["report"]["verdict"] for line in out.read_text(encoding="utf-8").splitlines()] == ["pass", "block"]


# What a check of a post that needs none of them must not import: each costs a command-line check its start-up.
# YAML and the pack format's models are for compiling packs, which a check with the compiled packs in its cache does not.
NOT_FOR_A_PLAIN_POST = {"sqlalchemy", "alembic", "PIL", "cv2", "faiss", "flask", "gunicorn", "phonenumbers", "yaml",
                        "preflight.packs.model"}


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory) -> dict:
    """The environment of a command-line check whose pack cache holds the bundled packs, compiled by a first check."""
    work = tmp_path_factory.mktemp("warm")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "api"), "PREFLIGHT_CACHE_DIR": str(work / "cache"),
           "PREFLIGHT_DATABASE_URL": f"sqlite:///{work / 'absent.db'}"}
    env.pop("LANGUAGETOOL_URL", None)
    first = subprocess.run([sys.executable, "-m", "preflight.cli", "check", "Hello", "--lang", "en"],
                           capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert first.returncode == 0, first.stderr
    return env


@pytest.mark.parametrize("post, lang, code, rule, needed", [
    ("Onze schoenen genezen gegarandeerd rugpijn!", "nl", 2, "misleading-claims/health-claim", set()),
    ("Lovely walk in the park today, see you at the shop!", "en", 0, None, set()),
    # A number-like match is checked with libphonenumber's metadata: imported for it, and only for it.
    ("Call me on +44 20 7946 0958 tonight", "en", 2, "privacy/phone-number", {"phonenumbers"}),
])
def test_a_check_imports_only_what_its_post_needs(tmp_path: Path, warm_cache, post, lang, code, rule, needed):
    """A check in a fresh process, as the installed command runs it. Crisis mode and events live in the database, so
    with no SQLite file there is nothing to read and nothing to import; the phone-number library loads only for a
    number-like match."""
    env = {**warm_cache, "PREFLIGHT_DATABASE_URL": f"sqlite:///{tmp_path / 'absent.db'}"}
    probe = ("import sys; from preflight.cli import main; code = main(sys.argv[1:]); "
             f"print('imported:', sorted(set({sorted(NOT_FOR_A_PLAIN_POST)!r}) & set(sys.modules))); sys.exit(code)")
    check = subprocess.run([sys.executable, "-c", probe, "check", post, "--lang", lang],
                           capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert check.returncode == code, check.stderr
    assert rule is None or rule in check.stdout
    assert f"imported: {sorted(needed)}" in check.stdout
    assert not (tmp_path / "absent.db").exists()
