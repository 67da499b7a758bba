"""spaCy's lemma lookup tables (surface form -> lemma), kept as tries in the cache directory.

Read as Python dicts, the five languages' tables are 1.8 million entries: about 1.3 s and 300 MB in
every process that loads them. The same table as a trie (marisa-trie) is 1 to 4 MB a language, loads
in milliseconds and answers a lookup in about a microsecond; it is built from spacy-lookups-data the
first time a language is needed and named by that data file, so an upgrade builds it anew.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import marisa_trie

from preflight.cachefile import cache_dir, read_payload, stamp, write_payload

MAGIC = b"preflight-lemmas\x01"
# Tables kept per language: the one in use and the one of the previous spacy-lookups-data.
KEEP = 2


class LemmaTable:
    """One language's lookup table: `get(form)` is its lemma, or None."""

    def __init__(self, trie: marisa_trie.BytesTrie) -> None:
        self._trie = trie

    def get(self, form: str) -> str | None:
        found = self._trie.get(form)
        return found[0].decode() if found else None


def load_lemma_table(language: str) -> LemmaTable:
    """The language's table from the cache directory, else built from spacy-lookups-data and stored there."""
    registered = _registered(language)
    # spaCy names the file without its compression suffix and reads whichever exists.
    source = registered if registered.exists() else registered.with_name(registered.name + ".gz")
    digest = hashlib.sha256(stamp(source).encode()).hexdigest()[:16]
    path = cache_dir() / f"lemmas-{language}-{digest}.marisa"
    payload = read_payload(path, MAGIC)
    if payload is not None:
        try:
            return LemmaTable(marisa_trie.BytesTrie().frombytes(payload))
        except Exception:  # another marisa-trie's format: build anew
            pass
    trie = marisa_trie.BytesTrie((form, lemma.encode()) for form, lemma in read_lemma_table(language).items())
    write_payload(path, MAGIC, trie.tobytes(), f"lemmas-{language}-*.marisa", KEEP)
    return LemmaTable(trie)


def read_lemma_table(language: str) -> dict[str, str]:
    """spacy-lookups-data's lemma lookup of a language as a plain dict of surface form to lemma.

    The same data as spacy.lookups.load_lookups, read without building its hashed Table: that
    costs four times as long, one Python call per entry.
    """
    from spacy.util import load_language_data

    return load_language_data(_registered(language))


def _registered(language: str) -> Path:
    """The table's file as spacy-lookups-data registers it."""
    from spacy.util import registry

    return Path(registry.lookups.get(language)["lemma_lookup"])
