"""Word forms a listed term stands for: inflections, spelling slips and borrowed-word checks.

Everything here runs when packs are compiled, so checking a post costs no more per word.
Each generated form is weighed against wordfreq: a form that is a common word of its own
in the language ("mister" is not a form of German "Mist") is left out.
"""
from __future__ import annotations

import math
from functools import lru_cache

from preflight.text.forms import fold

# A generated inflection at or above this frequency (Zipf scale: 3 is once per million words)
# is a word in its own right unless the lemma table says it is a form of the base.
COMMON_WORD_ZIPF = 3.0
# A spelling slip ("retrad") is only accepted when nobody writes it as a word: wordfreq
# knows it less often than this (once in 10 million words). Every word of the top 50,000
# of each language is above it; lower would cost memory (words are kept down to it).
REAL_WORD_ZIPF = 2.0
# Slips are only undone in words this long: shorter ones are one letter from too many words.
SLIP_MIN_LETTERS = 5
# Endings are only added to words this long ("up" in "shut the fuck up" is not inflected).
INFLECT_MIN_LETTERS = 3
# Short words plus an ending hit other words easily ("mong" + "er", Swedish "fan" + "or"):
# their forms must not be words at all, unless the lemma table files them under the base.
# Longer words' forms may be common words, unless far commoner than the base.
LONG_WORD_MARGIN = 1.0
SHORT_WORD_LETTERS = 4
# A borrowed term is left out in a language where it is a common word (Swedish "fan",
# Danish "fart") at least this close to its frequency in English; see borrowed_here().
BORROWED_MARGIN = 0.5
SOURCE_LANGUAGE = "en"

VOWELS = set("aeiouyæøåäöü")
ENDINGS = {
    "en": ("s", "ed", "ing", "in", "er", "ers"),
    "nl": ("s", "e", "en", "je", "jes", "tje", "tjes", "etje"),
    "da": ("e", "er", "en", "et", "ene", "erne", "ens", "ets", "s"),
    "sv": ("ar", "er", "or", "en", "et", "na", "arna", "erna", "orna", "ens", "s", "a", "e"),
    "de": ("e", "en", "er", "es", "em", "n", "s", "ern"),
}
# Endings after a doubled final consonant ("kut" -> "kutten", "fag" -> "faggots" is listed).
DOUBLED_ENDINGS = {
    "en": ("ed", "ing", "er", "ers", "y"),
    "nl": ("en", "e", "etje"),
    "da": ("e", "er", "en", "ene", "erne"),
    "sv": ("ar", "en", "et", "arna", "a"),
    "de": ("e", "en", "er", "es"),
}
# Endings of a word that already ends in a vowel -e (en "tease", da "spasse", sv "blatte").
AFTER_E = {
    "en": ("s", "d", "r", "rs"),
    "nl": ("s", "n"),
    "da": ("r", "n", "ne", "rne", "s", "t"),
    "sv": ("n", "ns"),
    "de": ("n", "r", "s", "m"),
}
# Swedish and Danish drop the final -e/-a before a plural ("blatte" -> "blattar").
STEM_ENDINGS = {
    "sv": ("ar", "arna", "or", "orna", "er", "erna"),
    "da": ("er", "erne"),
    "en": ("ing", "er", "ers"),
}
UMLAUT = str.maketrans("aou", "äöü")
# Nouns ending in an unstressed -er/-el/-en take only these (Dutch "flikkers", Danish
# "spassere", German "Trotteln"); the general endings would make verbs ("flikkeren", "spasserer").
UNSTRESSED = ("er", "el", "en")
UNSTRESSED_ENDINGS = {
    "nl": ("s", "tje", "tjes"),
    "da": ("e", "en", "ens", "ne", "nes"),
    "de": ("n", "s"),
}


def endings(word: str, language: str) -> set[str]:
    """Inflected forms of a folded word made by regular endings (not yet weighed)."""
    if len(word) < INFLECT_MIN_LETTERS or not word.isalpha():
        return set()
    if language in UNSTRESSED_ENDINGS and len(word) > 4 and word.endswith(UNSTRESSED):
        return {word + e for e in UNSTRESSED_ENDINGS[language]}
    out = {word + e for e in ENDINGS.get(language, ())}
    last, before = word[-1], word[-2]
    if last == "e":
        out.update(word + e for e in AFTER_E.get(language, ()))
    if last in "ea":
        out.update(word[:-1] + e for e in STEM_ENDINGS.get(language, ()))
    if language in ("sv", "da") and word[-2:] in ("el", "er", "en"):
        # The unstressed e drops before an ending: "jävel" -> "jävlar", "himmel" -> "himlen".
        out.update(word[:-2] + last + e for e in STEM_ENDINGS[language] + ("en", "e", "ene", "na"))
    if last not in VOWELS and before in VOWELS and (len(word) < 3 or word[-3] not in VOWELS) and last not in "wxh":
        out.update(word + last + e for e in DOUBLED_ENDINGS.get(language, ()))
    if language == "en" and word.endswith(("s", "x", "z", "ch", "sh")):
        out.add(word + "es")
    if language == "en" and last == "y" and before not in VOWELS:
        out.update({word[:-1] + "ies", word[:-1] + "ied"})
    if language == "nl" and last not in VOWELS and before in VOWELS and word[-3] == before:
        # An open syllable spells a long vowel once: "idioot" -> "idioten", "mongool" -> "mongolen".
        out.update(word[:-2] + last + e for e in ("en", "e"))
    if language == "de":
        vowel = max(word.rfind(v) for v in "aou")
        if vowel >= 0:
            umlauted = word[:vowel] + word[vowel].translate(UMLAUT) + word[vowel + 1:]
            out.update({umlauted + "e", umlauted + "er", umlauted + "ern", umlauted + "en"})
    out.discard(word)
    return out


class Morphology:
    """Inflections and slips of the words of one engine's terms, per language."""

    def __init__(self, pipelines) -> None:
        self._pipelines = pipelines

    def inflections(self, word: str, language: str, source: str | None = None) -> set[str]:
        """Folded forms of a folded word made by regular endings, weighed against the lemma table.

        `source` is the language whose endings apply (a borrowed English term is
        inflected the English way); the forms are weighed in `language`.
        """
        source = source or language
        taken = _short_taken if len(word) <= SHORT_WORD_LETTERS else _long_taken
        lemma = self._pipelines.lemma
        out = set()
        for form in endings(word, source):
            filed = lemma(form, source)
            if filed == word:
                out.add(form)
            elif filed == form and not taken(form, word, source):
                # Not a form the lemma table files under another word ("spasserer": to stroll).
                out.add(form)
        out.discard(word)
        return {f for f in out if source == language or borrowed_here(f, language)}


def _short_taken(form: str, word: str, language: str) -> bool:
    return real_word(form, language)


def _long_taken(form: str, word: str, language: str) -> bool:
    # Inflections are often commoner than the base ("verfickte", "Idioten"); a form ten
    # times as frequent as the base is a word of its own.
    return common(form, language) and zipf(form, language) > zipf(word, language) + LONG_WORD_MARGIN


def slips(word: str, language: str, exceptions: frozenset[str] = frozenset()) -> set[str]:
    """Misspellings a writer makes to slip past a filter: a letter dropped, swapped or doubled.

    Only those that are not themselves a word of the language, nor an exception of the rule.
    """
    if len(word) < SLIP_MIN_LETTERS or not word.isalpha():
        return set()
    out = set()
    for i in range(len(word)):
        out.add(word[:i] + word[i + 1:])
        out.add(word[:i + 1] + word[i] + word[i + 1:])
        if i + 1 < len(word) and word[i] != word[i + 1]:
            out.add(word[:i] + word[i + 1] + word[i] + word[i + 2:])
    out.discard(word)
    return {s for s in out if s not in exceptions and not real_word(s, language)}


def borrowed_here(word: str, language: str) -> bool:
    """Whether a borrowed (English) word may be matched in a sentence of `language`.

    Not where it is a common word of that language that is about as frequent there as in
    English or more: Swedish "fan" (devil, 5.9 against 4.9) and Danish "fart" (speed) are
    native words, while "fuck" (Danish 4.8 against English 5.4) is the loan itself.
    """
    if language == SOURCE_LANGUAGE:
        return True
    here = zipf(word, language)
    return here < COMMON_WORD_ZIPF or here < zipf(word, SOURCE_LANGUAGE) - BORROWED_MARGIN


def zipf(word: str, language: str) -> float:
    """wordfreq's Zipf frequency of a word or phrase; 0 below REAL_WORD_ZIPF or when unknown."""
    if " " in word:
        # As wordfreq combines the words of a phrase: 1/f = sum of 1/f of each word.
        parts = [zipf(w, language) for w in word.split()]
        if not all(parts):
            return 0.0
        return 9 + math.log10(1 / sum(10 ** (9 - z) for z in parts))
    centibels = _centibels(language).get(word)
    return 9 - centibels / 100 if centibels is not None else 0.0


@lru_cache(maxsize=None)
def _centibels(language: str) -> dict[str, int]:
    """Every alphabetic word at REAL_WORD_ZIPF or above, with its cost in centibels.

    Read from the packed list directly: wordfreq's own loaders cache the whole list
    and a float dictionary beside it for good (about 165 MiB for the five languages,
    against about 60 MiB for this one).
    """
    # Imported here: a check from the compiled-pack cache rarely weighs a word, and wordfreq
    # (with langcodes and ftfy) is a tenth of a second to import.
    from wordfreq import available_languages, read_cBpack

    limit = round((9 - REAL_WORD_ZIPF) * 100)
    out: dict[str, int] = {}
    for centibels, words in enumerate(read_cBpack(available_languages()[language])):
        if centibels > limit:
            break
        for word in words:
            if word.isalpha():
                out[word] = centibels
    return out


def common(word: str, language: str) -> bool:
    """A common word of the language (once per million words or more)."""
    return zipf(word, language) >= COMMON_WORD_ZIPF


def real_word(word: str, language: str) -> bool:
    """A word people write in the language, rare or not."""
    return zipf(word, language) >= REAL_WORD_ZIPF
