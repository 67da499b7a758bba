"""spaCy pipelines and lookup lemmatizers for the supported languages, loaded on demand."""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.lookups import load_lookups

from .forms import fold

SUPPORTED_LANGUAGES = ("en", "nl", "da", "sv", "de")


class Pipelines:
    """Blank spaCy pipelines and lemma tables, one per language, shared by all packs."""

    def __init__(self) -> None:
        self._nlp: dict[str, Language] = {}
        self._tables: dict[str, object] = {}
        self.lemma = lru_cache(maxsize=200_000)(self._lemma)

    def nlp(self, language: str) -> Language:
        """The blank pipeline (tokenizer and vocabulary) of a language."""
        nlp = self._nlp.get(language)
        if nlp is None:
            nlp = self._nlp[language] = spacy.blank(language)
        return nlp

    def tokenize(self, text: str, language: str):
        return self.nlp(language).tokenizer(text)

    def lemma_table(self, language: str):
        """spaCy's lemma lookup table of a language: surface form -> lemma."""
        table = self._tables.get(language)
        if table is None:
            table = load_lookups(language, ["lemma_lookup"]).get_table("lemma_lookup")
            self._tables[language] = table
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

    def warm(self, languages=SUPPORTED_LANGUAGES) -> None:
        """Load everything up front, so that the first check is as fast as the rest."""
        for language in languages:
            self.nlp(language)
            self.lemma_table(language)
