"""Compiled packs kept on disk: the same reports as compiling, one language loaded per post, and a cache that is
stale or corrupt is compiled again, never trusted."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from preflight.text.analyzer import Analyzer
from preflight.checker import Checker
from preflight.packs.cache import load_cached
from preflight.packs.load import load_rules

from .conftest import RULES

POSTS = [
    ("Up to 70% off everything this weekend! Our cream never fails.", "en"),
    ("Onze schoenen genezen gegarandeerd rugpijn! Tot 50% korting.", "nl"),
    ("Call me on +44 20 7946 0958", "en"),
]


@pytest.fixture()
def rules(tmp_path) -> Path:
    directory = tmp_path / "rules"
    directory.mkdir()
    for name in ("misleading-claims.yaml", "privacy.yaml"):
        shutil.copy(RULES / name, directory / name)
    shutil.copytree(RULES / "profiles", directory / "profiles")
    return directory


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


class Counted:
    """The compiler, counting how often it had to run."""

    def __init__(self, directory: Path, analyzer: Analyzer) -> None:
        self.directory, self.analyzer, self.runs = directory, analyzer, 0

    def __call__(self):
        self.runs += 1
        return load_rules(self.directory, self.analyzer)


def loaded(rules: Path, analyzer: Analyzer) -> tuple[Checker, Counted]:
    compile_rules = Counted(rules, analyzer)
    return Checker(load_cached(rules, analyzer, compile_rules), analyzer), compile_rules


def reports(checker: Checker) -> list[dict]:
    return [{**checker.check(text, language=language, profile="example").to_dict(), "elapsed_ms": 0, "checked_for": None}
            for text, language in POSTS]


def test_a_cached_rule_set_checks_as_the_compiled_one(rules, cache, analyzer):
    compiled, first = loaded(rules, analyzer)
    cached, second = loaded(rules, analyzer)
    assert (first.runs, second.runs) == (1, 0)
    assert reports(cached) == reports(compiled)
    assert "misleading-claims/up-to-discount" in {f["rule"] for f in reports(cached)[0]["findings"]}


def test_a_post_in_english_loads_english_alone(rules, cache, analyzer):
    loaded(rules, analyzer)
    checker, counted = loaded(rules, Analyzer())
    checker.check(POSTS[0][0], language="en")
    assert counted.runs == 0
    assert set(checker.analyzer.pipelines.loaded()) == {"en"}


def test_a_corrupt_cache_file_is_compiled_again_and_rewritten(rules, cache, analyzer):
    compiled, _ = loaded(rules, analyzer)
    [path] = cache.glob("packs-*.bin")
    blob = bytearray(path.read_bytes())
    blob[-10] ^= 0xFF
    path.write_bytes(bytes(blob))
    checker, counted = loaded(rules, analyzer)
    assert counted.runs == 1 and reports(checker) == reports(compiled)
    assert loaded(rules, analyzer)[1].runs == 0  # the rewritten file is whole again


def test_a_truncated_or_foreign_file_is_not_trusted(rules, cache, analyzer):
    loaded(rules, analyzer)
    [path] = cache.glob("packs-*.bin")
    for content in (path.read_bytes()[:100], b"not a cache file at all"):
        path.write_bytes(content)
        assert loaded(rules, analyzer)[1].runs == 1


def test_an_edited_pack_is_compiled_anew(rules, cache, analyzer):
    loaded(rules, analyzer)
    pack = rules / "privacy.yaml"
    pack.write_text(pack.read_text(encoding="utf-8").replace("version: ", "version: 9", 1), encoding="utf-8")
    checker, counted = loaded(rules, analyzer)
    assert counted.runs == 1
    assert dict(checker.packs)["privacy"].startswith("9")
    assert len(list(cache.glob("packs-*.bin"))) == 2


def test_an_unwritable_cache_directory_only_costs_a_compilation(rules, tmp_path, monkeypatch, analyzer):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache directory would be", encoding="utf-8")
    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(blocked / "cache"))
    checker, counted = loaded(rules, analyzer)
    assert counted.runs == 1 and reports(checker)


def test_a_file_others_could_have_written_is_not_read(rules, cache, analyzer):
    loaded(rules, analyzer)
    [path] = cache.glob("packs-*.bin")
    path.chmod(0o666)
    assert loaded(rules, analyzer)[1].runs == 1
    assert path.stat().st_mode & 0o777 == 0o600  # rewritten as this user's own


def test_the_bundled_packs_are_read_from_the_cache(cache, analyzer):
    """Every matcher kind the bundled packs use can be stored: a kind that cannot would silently compile each run."""
    _, first = loaded(RULES, analyzer)
    cached, second = loaded(RULES, analyzer)
    assert (first.runs, second.runs) == (1, 0)
    assert "offensive-language/abusive-tone" in {f.rule for f in cached.check("Shut up, you dirty little rat, nobody likes you.",
                                                                               language="en").findings}


def test_a_copy_of_the_packs_elsewhere_is_compiled_for_its_own_paths(rules, tmp_path, analyzer):
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(rules, elsewhere)
    _, first = loaded(rules, analyzer)
    other_checker, other = loaded(elsewhere, analyzer)
    assert (first.runs, other.runs) == (1, 1)
    assert all(Path(pack.path).is_relative_to(elsewhere) for pack in other_checker.ruleset.packs)


def test_a_rule_set_read_back_unpacks_the_terms_of_the_languages_checked(rules, cache, analyzer):
    """Each language's terms are stored apart and unpacked when a post first has a sentence in it."""
    loaded(rules, analyzer)
    checker, _ = loaded(rules, Analyzer())
    terms = checker.ruleset.indexes.terms
    assert "misleading-claims/up-to-discount" in {f.rule for f in checker.check(POSTS[0][0], language="en").findings}
    assert "nl" in terms._stored and "en" not in terms._stored
    mixed = checker.check("Big news for our customers today. Onze schoenen genezen gegarandeerd rugpijn!")
    assert {"misleading-claims/health-claim", "misleading-claims/absolute-guarantee"} <= {f.rule for f in mixed.findings}
    assert "nl" not in terms._stored


def test_the_models_the_packs_were_compiled_from_are_read_back_when_asked_for(rules, cache, analyzer):
    """The examples, the docs and the admin pages read the packs' and profiles' models: the cache gives the same ones,
    unpickled only when first asked for."""
    compiled, _ = loaded(rules, analyzer)
    cached, counted = loaded(rules, Analyzer())
    assert counted.runs == 0
    sources = cached.ruleset.indexes.sources
    assert sources._stored is not None
    assert [pack.model for pack in cached.ruleset.packs] == [pack.model for pack in compiled.ruleset.packs]
    assert [rule.model.examples for rule in cached.ruleset.rules] == [rule.model.examples for rule in compiled.ruleset.rules]
    assert cached.ruleset.profiles == compiled.ruleset.profiles and "example" in cached.ruleset.profiles
    assert sources._stored is None
