"""Compiled packs kept on disk between runs, so that a command-line check does not compile (or load five languages).

A cache file is named by the hash of the rules directory's files, the engine's source and the versions it
depends on: any change there names another file. The file carries a checksum of its payload; one that is
corrupt, truncated or unreadable is compiled again and rewritten, never trusted. Only files this module
wrote, in the user's own cache directory, are ever unpickled.
"""
from __future__ import annotations

import gc
import hashlib
import io
import pickle
import sys
from contextlib import contextmanager
from pathlib import Path

from preflight.cachefile import cache_dir, read_payload, write_payload

MAGIC = b"preflight-packs\x01"
# Rule sets kept: the packs in force, a few earlier versions and other rules directories.
KEEP = 8
ENGINE = Path(__file__).resolve().parents[1]


def cache_key(directory: Path) -> str:
    """The hash of everything a compiled rule set depends on."""
    import spacy

    from preflight import __version__
    from preflight.learned.encoder import available

    digest = hashlib.sha256()
    # The compiled packs name their files and model files by path: another checkout with the same content is
    # another rule set for the editor reading file:line:col messages, and must not reuse this one's paths.
    # The rules that need the optional encoder are `skipped` without it: a set compiled with it is another one.
    for part in (__version__, sys.version, spacy.__version__, pickle.format_version, ENGINE.resolve(), directory, available()):
        digest.update(f"{part}\0".encode())
    for root, prefix in ((ENGINE, "engine"), (directory, "rules")):
        for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".yaml", ".yml")):
            if prefix == "engine" and "http" in path.relative_to(root).parts:
                continue
            digest.update(f"{prefix}/{path.relative_to(root).as_posix()}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def load_cached(directory: Path, analyzer, compile_rules):
    """The rule set of `directory` from the cache, else `compile_rules()`, stored for the next run."""
    directory = Path(directory).resolve()
    try:
        path = cache_dir() / f"packs-{cache_key(directory)}.bin"
    except OSError:  # a file vanished while hashing: compile what is there now
        return compile_rules()
    ruleset = _read(path, analyzer)
    if ruleset is None:
        ruleset = compile_rules()
        _write(path, ruleset, analyzer)
    return ruleset


def _read(path: Path, analyzer):
    payload = read_payload(path, MAGIC)
    if payload is None:
        return None
    try:
        with paused_gc():
            return _Unpickler(io.BytesIO(payload), analyzer).load()
    except Exception:  # a file from an incompatible build that hashed alike: compile anew
        return None


@contextmanager
def paused_gc():
    """No cyclic garbage collection inside: for loading what lives as long as the process.

    Building a million containers (the compiled packs, spaCy's modules) sets off a collection every
    few hundred of them, each walking everything built so far, that can free nothing: with it,
    reading the cache takes four times as long.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _write(path: Path, ruleset, analyzer) -> None:
    buffer = io.BytesIO()
    try:
        _Pickler(buffer, analyzer).dump(ruleset)
    except Exception:  # a matcher kind that cannot be stored: every run compiles, as before the cache
        return
    write_payload(path, MAGIC, buffer.getvalue(), "packs-*.bin", KEEP)


class _Pickler(pickle.Pickler):
    """Stores the rule set without the language tools: those are the loading process's own."""

    def __init__(self, file, analyzer) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.shared = {id(analyzer): "analyzer", id(analyzer.pipelines): "pipelines",
                       id(analyzer.pipelines.lemma): "lemma"}
        self.owners = {id(analyzer): "analyzer", id(analyzer.pipelines): "pipelines"}
        self.languages = {id(nlp.vocab): language for language, nlp in analyzer.pipelines.loaded().items()}
        from spacy.matcher import Matcher

        self.matcher_type = Matcher

    def persistent_id(self, obj):
        name = self.shared.get(id(obj))
        if name is not None:
            return (name,)
        owner = self.owners.get(id(getattr(obj, "__self__", None)))
        if owner is not None and hasattr(obj, "__func__"):
            return ("method", owner, obj.__func__.__name__)
        if isinstance(obj, self.matcher_type):
            # Kept as its patterns, compiled in the loading process when its language is first met.
            strings = obj.vocab.strings
            language = self.languages[id(obj.vocab)]
            return ("matcher", language, {strings[key]: patterns for key, patterns in obj._patterns.items()})
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, analyzer) -> None:
        super().__init__(file)
        self.analyzer = analyzer

    def persistent_load(self, pid):
        tools = {"analyzer": self.analyzer, "pipelines": self.analyzer.pipelines}
        if pid[0] == "lemma":
            return self.analyzer.pipelines.lemma
        if pid[0] in tools:
            return tools[pid[0]]
        if pid[0] == "method":
            return getattr(tools[pid[1]], pid[2])
        if pid[0] == "matcher":
            from preflight.text.nlp import LazyMatcher

            return LazyMatcher(self.analyzer.pipelines, pid[1], pid[2])
        raise pickle.UnpicklingError(f"unknown shared object {pid[0]!r}")
