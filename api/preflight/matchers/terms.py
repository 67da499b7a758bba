"""Term lists of all rules compiled into one token trie per language and layer."""
from __future__ import annotations

import pickle
import threading
from collections import defaultdict
from typing import Callable

from preflight.text.post import Token
from preflight.text.forms import collapse, deobfuscate, fold
from preflight.text.morphology import Morphology, borrowed_here, slips, zipf
from preflight.matchers.base import Context, Hit
from preflight.matchers.compounds import Compounds
from preflight.matchers.masks import MASK_RUN, MaskedWords

END = "\x00"
# Layers of token forms a term can be matched on.
FORM, EXACT, LEMMA, OBFUSCATED = "form", "exact", "lemma", "obfuscated"


class TermIndex:
    """Every term of every rule, compiled once; one walk over the post finds them all."""

    def __init__(self, pipelines, analyse_term: Callable[[str, str], list[str]]) -> None:
        self._pipelines = pipelines
        self._analyse_term = analyse_term
        self._morphology = Morphology(pipelines)
        self._tries: dict[tuple[str, str], dict] = {}
        # Misspelt single words ("retrad"), per language: folded form -> who asked for it.
        self._slips: dict[str, dict[str, list]] = {}
        self._compounds: dict[str, Compounds] = {}
        self._masked_words: dict[tuple[str, str], MaskedWords] = {}
        self.size = 0
        # Languages read back from a pickle but not yet unpacked: language -> its tries, slips and compounds, pickled.
        self._stored: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def __getstate__(self) -> dict:
        """Each language's tries, slips and compounds pickled apart, so that reading the index back costs only the
        languages that are then checked: a command-line check of an English post unpacks the English fifth."""
        state = self.__dict__.copy()
        languages = {language for _, language in self._tries} | set(self._slips) | set(self._compounds)
        state["_stored"] = {**self._stored, **{
            language: pickle.dumps(self._part(language), protocol=pickle.HIGHEST_PROTOCOL) for language in languages}}
        state.update(_tries={}, _slips={}, _compounds={}, _masked_words={})
        del state["_lock"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def _part(self, language: str) -> tuple[dict, dict | None, Compounds | None]:
        tries = {key: trie for key, trie in self._tries.items() if key[1] == language}
        return tries, self._slips.get(language), self._compounds.get(language)

    def _unpack(self, languages) -> None:
        """Unpack the stored languages among `languages`. Each table is replaced, never changed in place: a thread
        reading the index meanwhile sees the old one or the new one; two threads meeting a language unpack it once."""
        if self._stored.keys().isdisjoint(languages):
            return
        with self._lock:
            for language in [language for language in languages if language in self._stored]:
                tries, slips, compounds = pickle.loads(self._stored[language])
                self._tries = {**self._tries, **tries}
                if slips is not None:
                    self._slips = {**self._slips, language: slips}
                if compounds is not None:
                    self._compounds = {**self._compounds, language: compounds}
                self._stored = {key: value for key, value in self._stored.items() if key != language}

    def unpack_all(self) -> None:
        """Unpack every stored language now: the server does before its workers fork, so that they share them."""
        self._unpack(list(self._stored))

    def add(
        self,
        matcher_id: int,
        layer: str,
        language: str,
        term: str,
        payload: str | None = None,
        *,
        inflect: bool = False,
        source: str | None = None,
        compound: str | None = None,
        stop: tuple[str, ...] = (),
    ) -> bool:
        """Compile one term; False when it has no word left to match after analysis.

        `inflect` adds the term's inflected forms (and, on the obfuscated layer, its
        misspellings); `source` is the language a borrowed term is written in;
        `compound` lets a one-word term be the first or last part of a compound.
        """
        self._unpack((language,))
        keys = self._keys(layer, language, term)
        if not keys:
            return False
        entry = (matcher_id, payload)
        base_keys = list(keys)
        if inflect:
            keys += self._inflected(layer, language, base_keys, source or language)
        if source is not None and source != language:
            keys = [k for k in keys if borrowed_here(" ".join(k).lstrip("~"), language)]
        for key in keys:
            node = self._tries.setdefault((layer, language), {})
            for part in key:
                node = node.setdefault(part, {})
            node.setdefault(END, []).append(entry)
        if inflect and layer == OBFUSCATED and len(base_keys[0]) == 1 and base_keys[0] in keys:
            # Slips of the base form only: slips of every inflection would multiply the index.
            self._add_slips(entry, language, base_keys[0][0], {k[0] for k in keys if len(k) == 1})
        if compound and layer in (FORM, LEMMA) and len(base_keys[0]) == 1:
            word = fold(self._analyse_term(term, language)[0], language)
            if source is None or borrowed_here(word, language):
                self._compounds.setdefault(language, Compounds(language)).add(word, compound, entry, stop)
        self._masked_words.pop((layer, language), None)
        self.size += 1
        return True

    def _keys(self, layer: str, language: str, term: str) -> list[tuple[str, ...]]:
        words = self._analyse_term(term, language)
        if layer == FORM:
            return [tuple(fold(w, language) for w in words)] if words else []
        if layer == EXACT:
            return [tuple(words)] if words else []
        if layer == LEMMA:
            return [tuple(self._pipelines.lemma(w, language) for w in words)] if words else []
        chunks = [deobfuscate(c, language) for c in term.split()]
        if not chunks or not all(chunks):
            return []
        keys = [tuple(chunks)]
        if len(chunks) == 1:
            keys.append(("~" + collapse(chunks[0]),))
        return keys

    def _inflected(self, layer: str, language: str, keys: list[tuple[str, ...]], source: str) -> list[tuple[str, ...]]:
        """Keys with the last word inflected: "dumb question" also matches "dumb questions"."""
        out = []
        for key in keys:
            if key[-1].startswith("~") or layer == EXACT:
                continue
            for form in sorted(self._morphology.inflections(key[-1], language, source)):
                last = self._pipelines.lemma(form, language) if layer == LEMMA else form
                out.append(key[:-1] + (last,))
                if layer == OBFUSCATED and len(key) == 1:
                    out.append(("~" + collapse(form),))
        return out

    def _add_slips(self, entry, language: str, word: str, listed: set[str]) -> None:
        slips_here = self._slips.setdefault(language, {})
        for slip in slips(word, language, frozenset(listed)):
            found = slips_here.setdefault(slip, [])
            if entry not in found:
                found.append(entry)

    def layers(self) -> set[str]:
        """The layers of the languages unpacked (of every language, in the index that compiled them)."""
        return {layer for layer, _ in self._tries}

    def find(self, ctx: Context, into: dict[int, list[Hit]] | None = None) -> dict[int, list[Hit]]:
        """Every term occurrence in the post, grouped by the matcher that asked for it."""
        hits: dict[int, list[Hit]] = into if into is not None else defaultdict(list)
        post = ctx.post
        if self._stored:
            self._unpack({post.language, *(language for _, _, language in post.sentences), *(t.lang for t in post.tokens)})
        for layer in self.layers():
            if layer == OBFUSCATED and not post.may_be_obfuscated():
                continue
            if layer == OBFUSCATED:
                tokens = post.obfuscated_tokens()
                key = _form
                self._single(layer, post.spaced_words(), hits)
            elif layer == LEMMA:
                tokens = post.tokens
                lemma = self._pipelines.lemma
                key = lambda t: lemma(t.text, t.lang)  # noqa: E731
            else:
                tokens = post.tokens
                key = _text if layer == EXACT else _form
            self._walk(layer, tokens, key, hits)
            if layer == OBFUSCATED:
                self._masked(layer, tokens, hits)
                self._slipped(tokens, hits)
        if self._slips:
            self._slipped(post.tokens, hits)
        if self._compounds:
            for token in post.tokens:
                compounds = self._compounds.get(token.lang)
                if compounds is not None:
                    found = compounds.find(token.form)
                    if found:
                        _record(found, token, token, hits)
        return hits

    def _slipped(self, tokens: list[Token], hits: dict[int, list[Hit]]) -> None:
        for token in tokens:
            slips_here = self._slips.get(token.lang)
            found = slips_here and slips_here.get(token.form)
            if found:
                _record(found, token, token, hits)

    def _single(self, layer: str, tokens: list[Token], hits: dict[int, list[Hit]]) -> None:
        for token in tokens:
            root = self._tries.get((layer, token.lang))
            found = root and root.get(token.form, {}).get(END)
            if found:
                _record(found, token, token, hits)

    def _masked(self, layer: str, tokens: list[Token], hits: dict[int, list[Hit]]) -> None:
        """Single-word terms hidden behind mask signs ("sh*t"), compared with each masked chunk."""
        for token in tokens:
            if not MASK_RUN.search(token.text):
                continue
            root = self._tries.get((layer, token.lang))
            if not root:
                continue
            words = self._masked_words.get((layer, token.lang))
            if words is None:
                words = self._masked_words[(layer, token.lang)] = MaskedWords(
                    w for w, node in root.items() if not w.startswith("~") and END in node)
            readings = words.unmask(token.text, token.lang)
            if len(readings) > 1:
                # "f***ing" reads as the word people write most, not as every listed word it fits.
                best = max(zipf(w, token.lang) for w in readings)
                readings = [w for w in readings if zipf(w, token.lang) == best]
            for word in readings:
                _record(root[word][END], token, token, hits)

    def _walk(self, layer: str, tokens: list[Token], key, hits: dict[int, list[Hit]]) -> None:
        roots = {language: trie for (kind, language), trie in self._tries.items() if kind == layer}
        n = len(tokens)
        keys = [key(t) for t in tokens]
        for i, first in enumerate(tokens):
            root = roots.get(first.lang)
            if root is None:
                continue
            # Most tokens start no term: one lookup decides, before the walk along the sentence.
            node = root.get(keys[i])
            j = i
            while node is not None:
                found = node.get(END)
                if found:
                    _record(found, first, tokens[j], hits)
                j += 1
                if j == n or tokens[j].sent != first.sent:
                    break
                node = node.get(keys[j])
            if first.alt is not None:
                found = root.get("~" + first.alt, {}).get(END)
                if found:
                    _record(found, first, first, hits)


def _form(token: Token) -> str:
    return token.form


def _text(token: Token) -> str:
    return token.text


def _record(found, first: Token, last: Token, hits) -> None:
    for matcher_id, payload in found:
        hits[matcher_id].append(Hit(first.start, last.end, first.sent, data=payload))


class TermsMatcher:
    """`phrase` and `lemma`: any of the listed terms, per language."""

    def __init__(self, matcher_id: int) -> None:
        self.matcher_id = matcher_id

    def triggers(self) -> set[int]:
        return {self.matcher_id}

    def find(self, ctx: Context) -> list[Hit]:
        hits = ctx.term_hits.get(self.matcher_id, [])
        return dedupe(hits)


class SubstitutionMatcher(TermsMatcher):
    """`substitution`: a term the brand replaces by its preferred one, suggested."""

    def find(self, ctx: Context) -> list[Hit]:
        text = ctx.post.text
        out = []
        for hit in dedupe(ctx.term_hits.get(self.matcher_id, [])):
            out.append(Hit(hit.start, hit.end, hit.sent, data=match_case(text[hit.start:hit.end], hit.data or "")))
        return out


class ConsistencyMatcher(TermsMatcher):
    """`consistency`: forms from two groups that must not be mixed in one post.

    Where the brand profile sets a formality for the language and the groups are
    named `formal` and `informal`, the other form is flagged even when used alone.
    """

    def find(self, ctx: Context) -> list[Hit]:
        hits = sorted(dedupe(ctx.term_hits.get(self.matcher_id, [])), key=lambda h: h.start)
        if not hits:
            return []
        text = ctx.post.text
        wanted = ctx.profile.formality.get(ctx.post.language) if ctx.profile is not None else None
        if wanted is not None and {h.data for h in hits} <= {"formal", "informal"}:
            return [Hit(h.start, h.end, h.sent, other=wanted) for h in hits if h.data != wanted]
        if len({h.data for h in hits}) < 2:
            return []
        first = hits[0]
        first_text = text[first.start:first.end]
        return [Hit(h.start, h.end, h.sent, other=first_text) for h in hits if h.data != first.data]


def dedupe(hits: list[Hit]) -> list[Hit]:
    """Drop hits nested in a longer hit of the same matcher ("100% guaranteed" over "guaranteed")."""
    if len(hits) < 2:
        return list(hits)
    ordered = sorted(set(hits), key=lambda h: (h.start, -h.end))
    out: list[Hit] = []
    reach = -1
    for hit in ordered:
        if hit.end <= reach:
            continue
        out.append(hit)
        reach = max(reach, hit.end)
    return out


def match_case(found: str, replacement: str) -> str:
    """Give a suggested replacement the capitalisation of the words it replaces."""
    if found.isupper() and len(found) > 1:
        return replacement.upper()
    if found[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement
