"""`preflight keys`: the printed key works, listings show no secrets, failures exit 3 with a message."""
from __future__ import annotations

import argparse

import pytest

from preflight.storage import Store
from preflight.cli.keys import add_keys_parser, run_keys


@pytest.fixture()
def database_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'preflight.db'}"


def keys(database_url: str, *argv: str) -> int:
    parser = argparse.ArgumentParser(prog="preflight")
    add_keys_parser(parser.add_subparsers(dest="command", required=True))
    return run_keys(parser.parse_args(["keys", *argv]), database_url)


def test_create_prints_only_the_key_and_it_verifies(database_url, capsys):
    assert keys(database_url, "create", "--name", "scheduler", "--scope", "admin") == 0
    out, err = capsys.readouterr()
    key = out.strip()
    assert out == key + "\n" and "shown again" in err
    store = Store(database_url)
    try:
        found = store.verify_key(key)
        assert (found.name, found.scope) == ("scheduler", "admin")
    finally:
        store.dispose()


def test_list_shows_keys_without_secrets(database_url, capsys):
    assert keys(database_url, "list") == 0
    assert "No keys yet" in capsys.readouterr().out
    keys(database_url, "create", "--name", "[red]scheduler", "--scope", "check")
    key = capsys.readouterr().out.strip()
    assert keys(database_url, "list") == 0
    out = capsys.readouterr().out
    assert "[red]scheduler" in out and "check" in out and key[:11] in out
    assert key[12:] not in out


def test_revoke(database_url, capsys):
    keys(database_url, "create", "--name", "scheduler", "--scope", "check")
    key = capsys.readouterr().out.strip()
    assert keys(database_url, "revoke", "scheduler") == 0
    store = Store(database_url)
    try:
        assert store.verify_key(key) is None
    finally:
        store.dispose()
    assert keys(database_url, "revoke", "nobody") == 3
    assert "no key named 'nobody'" in capsys.readouterr().err


def test_a_duplicate_name_exits_3_and_prints_no_key(database_url, capsys):
    keys(database_url, "create", "--name", "scheduler", "--scope", "check")
    capsys.readouterr()
    assert keys(database_url, "create", "--name", "scheduler", "--scope", "check") == 3
    out, err = capsys.readouterr()
    assert out == "" and err == "error: a key named 'scheduler' already exists\n"


def test_an_unusable_database_exits_3(capsys):
    assert keys("postgresql://postgres@127.0.0.1:1/none", "list") == 3
    assert capsys.readouterr().err.startswith("error: cannot connect to the database")


def test_an_unknown_scope_is_a_usage_error(database_url, capsys):
    with pytest.raises(SystemExit) as caught:
        keys(database_url, "create", "--name", "x", "--scope", "root")
    assert caught.value.code == 2
    assert "invalid choice: 'root'" in capsys.readouterr().err


def test_serve_prints_a_labelled_check_key_and_admin_key_and_revokes_the_previous_local_ones(database_url, capsys, monkeypatch):
    import preflight.http.serve
    from preflight.cli import main

    monkeypatch.setenv("PREFLIGHT_DATABASE_URL", database_url)
    monkeypatch.setattr(preflight.http.serve, "serve", lambda *args: None)
    printed = []
    for _ in range(2):
        assert main(["serve", "--print-keys"]) == 0
        lines = capsys.readouterr().out.splitlines()
        printed.append(dict(line.split("=", 1) for line in lines if line.startswith(("KEY=", "ADMIN_KEY="))))
        assert "extension" in lines[0] and "policy owner" in lines[2] and "never paste it into an editor's browser" in lines[2]
    store = Store(database_url)
    try:
        first, second = printed
        assert (store.verify_key(second["KEY"]).scope, store.verify_key(second["ADMIN_KEY"]).scope) == ("check", "admin")
        assert store.verify_key(first["KEY"]) is None and store.verify_key(first["ADMIN_KEY"]) is None
    finally:
        store.dispose()
