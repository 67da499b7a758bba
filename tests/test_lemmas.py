"""Lemma tables kept as tries in the cache directory: the same lemmas as spaCy's tables, and a damaged file is rebuilt."""
from __future__ import annotations

import pytest

from preflight.text.lemmas import load_lemma_table, read_lemma_table


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_the_stored_table_gives_every_lemma_of_spacys_table():
    table = read_lemma_table("en")
    built, stored = load_lemma_table("en"), load_lemma_table("en")
    assert all(built.get(form) == lemma == stored.get(form) for form, lemma in table.items())
    assert stored.get("bought") == "buy" and stored.get("not-a-word-at-all") is None


@pytest.mark.parametrize("damage", [lambda blob: blob[:1000], lambda blob: blob[:-5] + b"xxxxx", lambda blob: b""])
def test_a_damaged_table_file_is_built_again(cache, damage):
    load_lemma_table("en")
    [path] = cache.glob("lemmas-en-*")
    path.write_bytes(damage(path.read_bytes()))
    assert load_lemma_table("en").get("bought") == "buy"
    assert load_lemma_table("en").get("children") == "child"
    assert len(path.read_bytes()) > 1000  # rewritten whole
