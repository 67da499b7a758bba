"""spaCy pipelines and lookup lemmatizers of the supported languages, each loaded when first needed."""
from __future__ import annotations

import threading
from functools import lru_cache

import spacy
from spacy.language import Language

from preflight.text.forms import fold
from preflight.text.lemmas import LemmaTable, load_lemma_table
from preflight.vocab import LANGUAGES


class Pipelines:
    """Blank spaCy pipelines and lemma tables, one per language, shared by all packs.

    A command-line check of an English post loads English alone; the server warms all of them
    before its workers fork, so that they share the memory.
    """

    def __init__(self) -> None:
        self._nlp: dict[str, Language] = {}
        self._tables: dict[str, LemmaTable] = {}
        self._lock = threading.Lock()  # two threads meeting a new language load it once
        self.lemma = lru_cache(maxsize=200_000)(self._lemma)

    def nlp(self, language: str) -> Language:
        """The blank pipeline (tokenizer and vocabulary) of a language."""
        nlp = self._nlp.get(language)
        if nlp is None:
            with self._lock:
                nlp = self._nlp.get(language)
                if nlp is None:
                    nlp = self._nlp[language] = spacy.blank(language)
        return nlp

    def loaded(self) -> dict[str, Language]:
        return dict(self._nlp)

    def tokenize(self, text: str, language: str):
        return self.nlp(language).tokenizer(text)

    def lemma_table(self, language: str):
        """spaCy's lemma lookup table of a language: surface form -> lemma."""
        table = self._tables.get(language)
        if table is None:
            with self._lock:
                table = self._tables.get(language)
                if table is None:
                    table = self._tables[language] = load_lemma_table(language)
        return table

    def _lemma(self, token: str, language: str) -> str:
        # spaCy's lookup table is keyed by surface form: "Buy" misses where "buy" hits,
        # while German nouns are stored capitalised. Try the forms an editor may type.
        table = self.lemma_table(language)
        lowered = token.lower()
        for candidate in (token, lowered, lowered.capitalize()):
            lemma = table.get(candidate)
            if lemma is not None:
                return fold(lemma, language)
        return fold(token, language)

    def warm(self, languages=LANGUAGES) -> None:
        """Load everything up front, so that the first check is as fast as the rest."""
        for language in languages:
            self.nlp(language)
            self.lemma_table(language)


class LazyMatcher:
    """A spaCy token-pattern Matcher of one language, built when a post in that language first needs it."""

    def __init__(self, pipelines: Pipelines, language: str, patterns: dict[str, list]) -> None:
        self._pipelines = pipelines
        self._language = language
        self._patterns = patterns
        self._matcher = None

    def __call__(self, doc):
        matcher = self._matcher
        if matcher is None:
            from spacy.matcher import Matcher

            matcher = Matcher(self._pipelines.nlp(self._language).vocab)
            for key, patterns in self._patterns.items():
                matcher.add(key, patterns)
            self._matcher = matcher
        return matcher(doc)
