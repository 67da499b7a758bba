"""Loads every pack and profile of a rules directory, all or nothing."""
from __future__ import annotations

import difflib
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from pydantic import ValidationError

from preflight.errors import PackError, Problem
from preflight.matchers.pattern import PatternIndex
from preflight.matchers.terms import TermIndex
from preflight.packs.compile import Indexes, PackCompiler, ProfileSlot
from preflight.packs.gazetteer import load_gazetteer
from preflight.packs.model import MatchNode, Pack, Profile, Rule, RuleFile
from preflight.packs.ruleset import LoadedPack, RuleSet
from preflight.packs.yamlfile import Marks, locate, read_yaml

log = logging.getLogger("preflight.packs")

PROFILES_DIR = "profiles"
PACK_FILE = "pack.yaml"


def _known_keys() -> list[str]:
    keys: set[str] = set()
    for model in (Pack, Rule, MatchNode, Profile):
        for name, info in model.model_fields.items():
            keys.add(info.alias or name)
    keys.update(("from", "to", "dates", "context", "platforms", "match", "no_match", "todo", "text", "date", "profile",
                 "in_reply_to"))
    return sorted(keys)


KNOWN_KEYS = _known_keys()


def pydantic_problems(exc: ValidationError, display: str, marks: Marks) -> list[Problem]:
    """Readable problems, one per error, at the line of the key concerned."""
    out = []
    seen = set()
    for error in exc.errors():
        loc = tuple(error["loc"])
        line, col = locate(marks, loc)
        key = next((p for p in reversed(loc) if isinstance(p, str) and p[:1].isalpha() and "[" not in p), "")
        kind = error["type"]
        if kind == "missing":
            message = f"Missing the required '{key}' key."
        elif kind == "extra_forbidden":
            guess = difflib.get_close_matches(str(key), KNOWN_KEYS, n=1)
            hint = f" Did you mean '{guess[0]}'?" if guess else ""
            message = f"Unknown key '{key}'.{hint}"
        else:
            where = f"'{key}': " if key else ""
            message = where + error["msg"].removeprefix("Value error, ")
        if (line, col, message) in seen:
            continue
        seen.add((line, col, message))
        out.append(Problem(display, line, col, message))
    return out


def not_a_mapping(display: str, marks: Marks, data: object, wanted: str) -> Problem:
    """A file that is a list or a lone value where a set of keys belongs (a copied list item, a stray leading dash)."""
    line, col = marks.get((), (1, 1))
    if isinstance(data, list):
        return Problem(display, line, col, f"The file is a list (its lines start with '- '), but {wanted}, each at the "
                       "start of its line. Remove the leading '- ' and indentation.")
    return Problem(display, line, col, f"The file is a single value, but {wanted}: write it as 'key: value' lines.")


def read_model(path: Path, model_type, problems: list[Problem]):
    """(the file validated as `model_type` or None, its display name, its line marks); problems are added."""
    display = str(path)
    data, marks, found = read_yaml(path, display)
    problems.extend(found)
    if data is None:
        return None, display, marks
    if not isinstance(data, dict):
        problems.append(not_a_mapping(display, marks, data, "this file is a set of keys ('key: value' lines)"))
        return None, display, marks
    try:
        return model_type.model_validate(data), display, marks
    except ValidationError as exc:
        problems.extend(pydantic_problems(exc, display, marks))
        return None, display, marks


def load_rules(directory: str | Path, analyzer) -> RuleSet:
    """Load and compile all packs and profiles; raise PackError listing every problem."""
    root = Path(directory)
    if not root.is_dir():
        raise PackError([Problem(str(root), 1, 1, "not a directory of rule packs")])
    indexes = Indexes(TermIndex(analyzer.pipelines, analyzer.words), PatternIndex(analyzer.pipelines))
    problems: list[Problem] = []
    packs: list[LoadedPack] = []
    # Before the packs: their `event` matchers point at its entries.
    gazetteer = load_gazetteer(root, analyzer, indexes, problems)
    indexes.listed = gazetteer.entries
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or entry.name == PROFILES_DIR:
            continue
        if entry.is_dir() and (entry / PACK_FILE).is_file():
            pack = _load_pack(entry / PACK_FILE, sorted(p for p in entry.glob("*.yaml") if p.name != PACK_FILE), analyzer, indexes, problems)
        elif entry.is_file() and entry.suffix in (".yaml", ".yml"):
            pack = _load_pack(entry, [], analyzer, indexes, problems)
        else:
            continue
        if pack is not None:
            packs.append(pack)
    seen: dict[str, str] = {}
    for pack in packs:
        if pack.id in seen:
            problems.append(Problem(pack.path, 1, 1, f"pack id '{pack.id}' is already used by {seen[pack.id]}"))
        seen[pack.id] = pack.path
    profiles = _load_profiles(root / PROFILES_DIR, problems)
    if problems:
        raise PackError(problems)
    ruleset = RuleSet(packs, indexes.sources.add(profiles), indexes, gazetteer=gazetteer)
    for profile in profiles.values():
        ruleset.profile_indexes[profile.id] = build_profile_index(profile, indexes.profile_slots, analyzer)
    return ruleset


def _load_pack(path: Path, extra: list[Path], analyzer, indexes: Indexes, problems: list[Problem]) -> LoadedPack | None:
    display = str(path)
    data, marks, found = read_yaml(path, display)
    problems.extend(found)
    if data is None:
        return None
    if not isinstance(data, dict):
        problems.append(not_a_mapping(display, marks, data, "a pack is a set of keys: id, title, version and rules"))
        return None
    try:
        model = Pack.model_validate(data)
    except ValidationError as exc:
        problems.extend(pydantic_problems(exc, display, marks))
        return None
    compiler = PackCompiler(analyzer, indexes, display, marks)
    rules = compiler.rules(model, model.rules)
    all_models = list(model.rules)
    for extra_path in extra:
        rule_file, extra_display, extra_marks = read_model(extra_path, RuleFile, problems)
        if rule_file is None:
            continue
        extra_compiler = PackCompiler(analyzer, indexes, extra_display, extra_marks)
        rules.extend(extra_compiler.rules(model, rule_file.rules))
        problems.extend(extra_compiler.problems)
        all_models.extend(rule_file.rules)
    problems.extend(compiler.problems)
    ids: dict[str, int] = {}
    for index, rule in enumerate(all_models):
        if rule.id in ids:
            line, col = locate(marks, ("rules", index, "id")) if index < len(model.rules) else (1, 1)
            problems.append(Problem(display, line, col, f"duplicate rule id '{rule.id}' (first used in rule {ids[rule.id] + 1})"))
        ids.setdefault(rule.id, index)
    return LoadedPack(model.id, model.version, model.title, indexes.sources.add(model), rules, display)


def _load_profiles(directory: Path, problems: list[Problem]) -> dict[str, Profile]:
    profiles: dict[str, Profile] = {}
    if not directory.is_dir():
        return profiles
    for path in sorted(directory.glob("*.y*ml")):
        profile, display, _ = read_model(path, Profile, problems)
        if profile is None:
            continue
        if profile.id in profiles:
            problems.append(Problem(display, 1, 1, f"profile id '{profile.id}' is already used"))
        profiles[profile.id] = profile
    return profiles


def build_profile_index(profile: Profile, slots: list[ProfileSlot], analyzer) -> TermIndex:
    """The profile's own terms, compiled for the matchers that take them."""
    index = TermIndex(analyzer.pipelines, analyzer.words)
    everywhere = analyzer.languages
    for slot in slots:
        if slot.source == "banned":
            for language, terms in profile.banned.items():
                for term in terms:
                    index.add(slot.matcher_id, slot.layer, language, term)
        elif slot.source == "substitutions":
            for language, pairs in profile.substitutions.items():
                for term, replacement in pairs.items():
                    index.add(slot.matcher_id, slot.layer, language, term, replacement)
        else:
            for term in getattr(profile, slot.source):
                for language in everywhere:
                    index.add(slot.matcher_id, slot.layer, language, term)
    return index


class BackgroundReload:
    """Runs a reload in a thread of its own when asked, so that no request waits for it.

    Compiling a large rules directory takes seconds. `reload` builds and swaps the new
    packs in one step and returns the problems found (then nothing is swapped). A
    request made while a reload runs starts one more after it, since the files may
    have changed again in the meantime.
    """

    def __init__(self, reload: Callable[[], list[str]]) -> None:
        self._reload = reload
        self._lock = threading.Lock()
        self._pending = False
        self._thread: threading.Thread | None = None

    def request(self) -> None:
        """Start a reload unless one is running; then that one is followed by another."""
        with self._lock:
            self._pending = True
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="pack-reload", daemon=True)
                self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the reloads asked for so far; whether they are done."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self._thread is None

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    self._thread = None
                    return
                self._pending = False
            try:
                problems = self._reload()
            except Exception:  # the packs in force stay; the next change must still be picked up
                log.exception("reloading the packs failed; the current packs stay in force")
                continue
            if problems:
                log.warning("the rules directory has %d problems; the current packs stay in force: %s",
                            len(problems), "; ".join(problems[:5]))
