"""Turns validated pack models into compiled rules, reporting problems where they are written."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from preflight.errors import Problem
from preflight.learned.linear import LazyModel, resolve_model
from preflight.matchers.base import Matcher, Scope
from preflight.matchers.classifier import ClassifierMatcher
from preflight.matchers.listed import ListedEventMatcher
from preflight.matchers.logic import AllOf, AnyOf, NotOf, Unless
from preflight.matchers.metric import MetricMatcher
from preflight.matchers.pattern import PatternIndex, PatternMatcher
from preflight.matchers.regex import RegexMatcher, compile_regex
from preflight.matchers.terms import EXACT, FORM, LEMMA, OBFUSCATED, ConsistencyMatcher, SubstitutionMatcher, TermIndex, TermsMatcher
from preflight.text.forms import fold
from preflight.text.morphology import SOURCE_LANGUAGE
from preflight.packs.rule import PLACEHOLDERS, CompiledRule, InForce, placeholders
from preflight.packs.sources import Sources
from preflight.vocab import LANGUAGES

if TYPE_CHECKING:
    from preflight.packs.model import MatchNode, Pack, Rule
    from preflight.packs.yamlfile import Marks

ALL_LANGUAGES = frozenset(LANGUAGES)
ANY = "any"


@dataclass(frozen=True, slots=True)
class ProfileSlot:
    """A matcher that takes terms from the brand profile, filled per profile."""

    matcher_id: int
    layer: str
    source: str


@dataclass
class Indexes:
    """The shared compiled structures every rule's matchers point into."""

    terms: TermIndex
    patterns: PatternIndex
    profile_slots: list[ProfileSlot] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # rules whose optional model is not installed
    next_id: int = 0
    listed: list = field(default_factory=list)  # the gazetteer's entries, for `event` matchers
    sources: Sources = field(default_factory=Sources)  # the models compiled, for the readers that need them

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id


class PackCompiler:
    """Compiles the rules of one file, collecting problems instead of stopping at the first."""

    def __init__(self, analyzer, indexes: Indexes, display: str, marks: Marks) -> None:
        self.analyzer = analyzer
        self.indexes = indexes
        self.display = display
        self.marks = marks
        self.problems: list[Problem] = []
        self.rule_id = ""
        # Set per pack and per rule while its matchers are compiled.
        self.stop: dict[str, tuple[str, ...]] = {}
        self.forms = "inflected"

    def at(self, loc: tuple) -> tuple[int, int]:
        """Line and column of `loc` in the pack file."""
        from preflight.packs.yamlfile import locate  # the YAML reader's: compiling needs it, reading the cache does not

        return locate(self.marks, loc)

    def problem(self, loc: tuple, message: str) -> None:
        line, col = self.at(loc)
        self.problems.append(Problem(self.display, line, col, message))

    def rules(self, pack: Pack, rules: list[Rule], base: tuple = ("rules",)) -> list[CompiledRule]:
        self.stop = {lang: tuple(fold(w, lang) for w in words) for lang, words in pack.compound_exceptions.items()}
        out = []
        for index, rule in enumerate(rules):
            compiled = self.rule(pack, rule, base + (index,))
            if compiled is not None:
                out.append(compiled)
        return out

    def rule(self, pack: Pack, rule: Rule, loc: tuple) -> CompiledRule | None:
        before = len(self.problems)
        self.rule_id = f"{pack.id}/{rule.id}"
        self.forms = rule.forms
        matcher, languages = self.matcher(rule.match, loc + ("match",))
        unless = None
        if rule.unless is not None:
            inner, _ = self.matcher(rule.unless, loc + ("unless",))
            unless = Unless(inner, Scope(rule.unless.scope if "scope" in rule.unless.model_fields_set else "sentence", rule.unless.near))
        replying_to = None
        if rule.when is not None and rule.when.in_reply_to is not None:
            replying_to, _ = self.matcher(rule.when.in_reply_to, loc + ("when", "in_reply_to"))
        if rule.languages is not None:
            languages = frozenset(rule.languages)
        languages = languages or ALL_LANGUAGES
        for language in sorted(languages - set(rule.message)):
            self.problem(loc + ("message",), f"Missing the message in '{language}': the rule applies to {', '.join(sorted(languages))}.")
        for language, template in rule.message.items():
            try:
                unknown = placeholders(template) - PLACEHOLDERS
            except ValueError as exc:
                self.problem(loc + ("message", language), f"malformed message: {exc} (write {{{{ and }}}} for literal braces)")
                continue
            if unknown:
                names = ", ".join("{" + n + "}" for n in sorted(PLACEHOLDERS))
                self.problem(loc + ("message", language), f"unknown placeholder {{{sorted(unknown)[0]}}}; the placeholders are {names}")
        for kind in ("match", "no_match", "todo"):
            for language in getattr(rule.examples, kind):
                if language not in languages:
                    self.problem(loc + ("examples", kind, language), f"examples in '{language}', but the rule only applies to {', '.join(sorted(languages))}")
        if len(self.problems) > before:
            return None
        metric = rule.match if rule.match.metric else None
        return CompiledRule(
            id=f"{pack.id}/{rule.id}",
            pack=pack.id,
            severity=rule.severity,
            messages=dict(rule.message),
            suggestions={k: list(v) for k, v in rule.suggestions.items()},
            guidance={k: list(v) for k, v in rule.guidance.items()},
            reference=rule.reference,
            languages=languages,
            matcher=matcher,
            unless=unless,
            when=InForce.of(rule.when),
            source=self.indexes.sources.add(rule),
            limit_of=matcher if metric is not None else None,
            file=self.display,
            example_marks={
                (kind, language, i): self.at(loc + ("examples", kind, language, i))
                for kind in ("match", "no_match", "todo")
                for language, items in getattr(rule.examples, kind).items()
                for i in range(len(items))
            },
            replying_to=replying_to,
            titles=dict(rule.title),
        )

    def matcher(self, node: MatchNode, loc: tuple) -> tuple[Matcher, frozenset[str] | None]:
        """The runtime matcher of a node and the languages it has terms for (None: any)."""
        kind = node.kind()
        if kind in ("phrase", "lemma"):
            layer = LEMMA if kind == "lemma" else (EXACT if node.case == "exact" else FORM)
            mid = self.indexes.new_id()
            lists = getattr(node, kind)
            inflect = (node.forms or self.forms) == "inflected"
            for language, terms in lists.items():
                for target in LANGUAGES if language == ANY else (language,):
                    options = {
                        "inflect": inflect,
                        "source": SOURCE_LANGUAGE if language == ANY else None,
                        "compound": node.compound,
                        "stop": self.stop.get(target, ()),
                    }
                    self.terms(mid, layer, target, terms, loc + (kind, language), **options)
                    if node.obfuscated:
                        plain = [t for t in terms if "#" not in t]
                        self.terms(mid, OBFUSCATED, target, plain, loc + (kind, language), quiet=True, **options)
            self.profile_slot(node, mid, layer)
            if node.profile_terms:
                return TermsMatcher(mid), None
            return TermsMatcher(mid), ALL_LANGUAGES if ANY in lists else (frozenset(lists) or None)
        if kind == "substitution":
            mid = self.indexes.new_id()
            for language, pairs in node.substitution.items():
                for term, replacement in pairs.items():
                    if not self.indexes.terms.add(mid, FORM, language, term, replacement):
                        self.problem(loc + ("substitution", language, term), f"the term {term!r} has no words to match")
            self.profile_slot(node, mid, FORM)
            return SubstitutionMatcher(mid), (frozenset(node.substitution) or None) if not node.profile_terms else None
        if kind == "consistency":
            mid = self.indexes.new_id()
            layer = EXACT if node.case == "exact" else FORM
            for language, groups in node.consistency.items():
                if len(groups) < 2:
                    self.problem(loc + ("consistency", language), "consistency needs at least two groups of forms")
                for group, terms in groups.items():
                    for index, term in enumerate(terms):
                        if not self.indexes.terms.add(mid, layer, language, term, group):
                            self.problem(loc + ("consistency", language, group, index), f"the term {term!r} has no words to match")
            return ConsistencyMatcher(mid), frozenset(node.consistency)
        if kind == "pattern":
            mid = self.indexes.new_id()
            for language, patterns in node.pattern.items():
                error = self.indexes.patterns.add(mid, language, patterns)
                if error:
                    self.problem(loc + ("pattern", language), f"invalid token pattern: {error}")
            return PatternMatcher(mid), frozenset(node.pattern)
        if kind == "regex":
            compiled, error = compile_regex(node.regex, node.ignore_case)
            if error:
                self.problem(loc + ("regex",), f"invalid regex (RE2 syntax; no look-around or back-references): {error}")
                return AnyOf([]), None
            return RegexMatcher(compiled, node.check), None
        if kind == "event":
            return ListedEventMatcher(self.indexes.listed, node.event == "anniversary"), None
        if kind == "metric":
            if node.above is None and node.metric != "length":
                self.problem(loc + ("metric",), f"the metric '{node.metric}' needs a threshold: add 'above: N'")
            return MetricMatcher(node.metric, node.above), None
        if kind == "classifier":
            return self.classifier(node), None
        if kind == "not":
            inner, _ = self.matcher(node.not_, loc + ("not",))
            return NotOf(inner), None
        children = getattr(node, kind)
        if not children:
            self.problem(loc + (kind,), f"'{kind}' needs at least one matcher")
            return AnyOf([]), None
        compiled = [self.matcher(child, loc + (kind, i)) for i, child in enumerate(children)]
        langs = [lang for _, lang in compiled if lang is not None]
        languages = frozenset().union(*langs) if langs else None
        matchers = [m for m, _ in compiled]
        if kind == "any":
            return AnyOf(matchers), languages
        if isinstance(matchers[0], NotOf):
            self.problem(loc + (kind, 0), "the first matcher of 'all' is what gets reported: it cannot be a 'not'")
        return AllOf(matchers, Scope(node.scope, node.near)), languages

    def classifier(self, node: MatchNode) -> ClassifierMatcher:
        """The model is read on first use; a missing file leaves the rule listed in `skipped`, not the packs broken."""
        model = LazyModel(resolve_model(node.classifier, Path(self.display).parent))
        if not model.available:
            self.indexes.skipped.append({"check": self.rule_id, "reason": model.missing})
        return ClassifierMatcher(model, node.threshold, self.rule_id, frozenset(node.whole_post or ()))

    def terms(self, mid: int, layer: str, language: str, terms: list[str], loc: tuple, quiet: bool = False, **options) -> None:
        for index, term in enumerate(terms):
            if not self.indexes.terms.add(mid, layer, language, term, **options) and not quiet:
                self.problem(loc + (index,), f"the term {term!r} has no words to match")

    def profile_slot(self, node: MatchNode, mid: int, layer: str) -> None:
        if node.profile_terms:
            self.indexes.profile_slots.append(ProfileSlot(mid, layer, node.profile_terms))
