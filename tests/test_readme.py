"""The README's examples run as written: their keys are the ones make run prints, their files and flags exist."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from preflight.cli import build_parser, local_keys_text

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SHELL = "\n".join(re.findall(r"```sh\n(.*?)```", README, flags=re.S))
COMMANDS = [line for line in SHELL.splitlines() if line.strip()]
ASSIGNMENT = re.compile(r"[A-Z_]+=\S*")


def curl_lines() -> list[str]:
    """Each curl example with its continuation lines joined."""
    return [m.replace("\\\n", " ") for m in re.findall(r"curl (?:.*\\\n)*.*", SHELL)]


def test_the_keys_the_examples_use_are_the_ones_make_run_prints():
    printed = {line.split("=", 1)[0] for line in local_keys_text("pf_check", "pf_admin").splitlines() if "=" in line[:12]}
    used = set(re.findall(r"\$\{?([A-Z_]+)", SHELL))
    assert used and used <= printed, f"used but never printed: {used - printed}"
    defined = {line.split("=", 1)[0] for line in COMMANDS if ASSIGNMENT.match(line)}
    assert printed <= defined, "the examples say where each key comes from"


def test_every_curl_example_reports_a_failure():
    lines = curl_lines()
    assert len(lines) >= 10
    assert all("-sS --fail-with-body" in line for line in lines), [line for line in lines if "--fail-with-body" not in line]


def test_the_image_the_multipart_example_uploads_is_shipped_and_checks_cleanly(client, keys):
    uploaded = [path for line in curl_lines() for path in re.findall(r"images=@(\S+)", line)]
    assert uploaded == ["docs/sample-post.jpg"]
    image = ROOT / uploaded[0]
    assert 1_000 < image.stat().st_size < 20_000, "a small sample, a few KB"
    with image.open("rb") as handle:
        response = client.post("/v1/check", data={"text": "New drop! #ad", "platform": "instagram", "images": (handle, image.name),
                                                   "alt": "Our new trainers on a beach"},
                               headers={"Authorization": f"Bearer {keys['check']}"}, content_type="multipart/form-data")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert [entry.get("error") for entry in body["images"]] == [None]


@pytest.mark.parametrize("line", [line for line in COMMANDS if re.match(r"(\S+=\S+ )*(\.venv/bin/)?preflight ", line)])
def test_every_preflight_command_in_the_readme_parses(line):
    words = shlex.split(line, comments=True)
    while ASSIGNMENT.fullmatch(words[0]):
        words.pop(0)
    words = words[1:]
    for stop in ("<", ">", "|"):
        if stop in words:
            words = words[:words.index(stop)]
    build_parser().parse_args(words)
