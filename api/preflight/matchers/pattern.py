"""`pattern`: spaCy Matcher token patterns ("up to 70% off", "only 3 left")."""
from __future__ import annotations

from spacy.matcher import Matcher as SpacyMatcher

from ..forms import fold
from .base import Context, Hit


# spaCy reads pattern keys in any letter case ("regex" is REGEX), and FUZZY comes as FUZZY1..9 too.
UNBOUNDED_OPERATORS = ("REGEX", "FUZZY")


def uses_unbounded_operator(value) -> bool:
    """Whether any key anywhere in token patterns is REGEX or FUZZY, in any letter case."""
    if isinstance(value, dict):
        return any(
            (isinstance(key, str) and key.upper().startswith(UNBOUNDED_OPERATORS)) or uses_unbounded_operator(item)
            for key, item in value.items()
        )
    if isinstance(value, (list, tuple)):
        return any(uses_unbounded_operator(item) for item in value)
    return False


class PatternIndex:
    """All token patterns of all rules, one spaCy Matcher per language."""

    def __init__(self, pipelines) -> None:
        self._pipelines = pipelines
        self._matchers: dict[str, SpacyMatcher] = {}
        self._needs_lemma: set[str] = set()
        # Running spaCy's Matcher costs as much as tokenizing; skip it when no pattern
        # of the language can match because none of their required words is present.
        self._anchors: dict[str, set[str]] = {}
        self._unanchored: set[str] = set()

    def __bool__(self) -> bool:
        return bool(self._matchers)

    def add(self, matcher_id: int, language: str, patterns: list[list[dict]]) -> str | None:
        """Compile patterns; the validation error when spaCy rejects them."""
        if uses_unbounded_operator(patterns):
            return "REGEX and FUZZY are not allowed in token patterns (they are not protected against runaway matching): use a `regex` matcher"
        vocab = self._pipelines.nlp(language).vocab
        probe = SpacyMatcher(vocab, validate=True)
        try:
            probe.add("probe", patterns)
        except Exception as exc:  # spaCy raises ValueError/MatchPatternError/KeyError here
            return " ".join(str(exc).split())
        matcher = self._matchers.setdefault(language, SpacyMatcher(vocab))
        matcher.add(str(matcher_id), patterns)
        if any("LEMMA" in tok for pattern in patterns for tok in pattern):
            self._needs_lemma.add(language)
        for pattern in patterns:
            words = required_words(pattern, language)
            if words:
                self._anchors.setdefault(language, set()).update(words)
            else:
                self._unanchored.add(language)
        return None

    def find(self, ctx: Context) -> None:
        """Run each language's matcher once over the post; matches go with the term hits."""
        out = ctx.term_hits
        post = ctx.post
        langs = {lang for _, _, lang in post.sentences} or {post.language}
        forms = None
        for language, matcher in self._matchers.items():
            if language not in langs:
                continue
            # The post's tokens come from its own language's tokenizer; another language's
            # tokenizer may split differently ("50%"), so only there is the shortcut sound.
            if language == post.language and language not in self._unanchored:
                forms = forms if forms is not None else {t.form for t in post.tokens}
                if forms.isdisjoint(self._anchors.get(language, ())):
                    continue
            doc = self._doc(ctx, language)
            analysed = post.analysed
            for match_id, start, end in matcher(doc):
                first, last = doc[start], doc[end - 1]
                a, b = analysed.to_original(first.idx, last.idx + len(last.text))
                sent = post.sentence_of(a)
                if post.sentences and post.sentences[sent][2] != language:
                    continue
                key = int(self._pipelines.nlp(language).vocab.strings[match_id])
                out[key].append(Hit(a, b, sent))

    def _doc(self, ctx: Context, language: str):
        post = ctx.post
        doc = post.doc_cache.get(language)
        if doc is None:
            doc = post.doc_cache[language] = self._pipelines.tokenize(post.analysed.text, language)
        if language in self._needs_lemma and not doc.user_data.get("lemmas"):
            lemma = self._pipelines.lemma
            for tok in doc:
                tok.lemma_ = lemma(tok.text, language)
            doc.user_data["lemmas"] = True
        return doc


def required_words(pattern: list[dict], language: str) -> set[str]:
    """Words one of which must be in a post for the pattern to match (empty: unknown)."""
    for token in pattern:
        if token.get("OP") in ("?", "*", "!"):
            continue
        value = token.get("LOWER", token.get("ORTH", token.get("TEXT")))
        if isinstance(value, str):
            return {fold(value, language)}
        if isinstance(value, dict) and isinstance(value.get("IN"), list) and all(isinstance(v, str) for v in value["IN"]):
            return {fold(v, language) for v in value["IN"]}
    return set()


class PatternMatcher:
    def __init__(self, matcher_id: int) -> None:
        self.matcher_id = matcher_id

    def triggers(self) -> set[int]:
        return {self.matcher_id}

    def find(self, ctx: Context) -> list[Hit]:
        return ctx.term_hits.get(self.matcher_id, [])
