"""`pattern`: spaCy Matcher token patterns ("up to 70% off", "only 3 left")."""
from __future__ import annotations

from spacy.attrs import IDS, LOWER, ORTH, SHAPE
from spacy.matcher import Matcher as SpacyMatcher
from spacy.strings import hash_string

from preflight.matchers.base import Context, Hit


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
    """All token patterns of all rules: per language, one spaCy Matcher per rule and the literals it requires.

    Running spaCy's Matcher costs as much as tokenizing, for every pattern at every token, and most posts
    contain none of the words a pattern needs: a rule's matcher only runs over a post whose tokens hold, for
    one of the rule's patterns, a text (or shape) of every token the pattern cannot do without and the lexical
    flags (LIKE_NUM...) it asks for.
    """

    def __init__(self, pipelines) -> None:
        self._pipelines = pipelines
        # language -> matcher id -> (spaCy Matcher, one required-literals test per pattern; None: always run)
        self._matchers: dict[str, dict[int, tuple[SpacyMatcher, list[Requirement] | None]]] = {}
        # (language, matcher id) -> the words of which a post's tokens must hold one, or else no pattern can match
        self._gates: dict[tuple[str, int], Gate | None] = {}
        self._needs_lemma: set[str] = set()

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
        rules = self._matchers.setdefault(language, {})
        matcher, requirements = rules.get(matcher_id) or (SpacyMatcher(vocab), [])
        matcher.add(str(matcher_id), patterns)
        if requirements is not None:
            needed = [required_literals(pattern) for pattern in patterns]
            # A pattern without any literal to look for may match any post: the rule's matcher always runs.
            requirements = None if any(not need for need in needed) else requirements + needed
        rules[matcher_id] = (matcher, requirements)
        self._gates[(language, matcher_id)] = gate_of(requirements) if requirements is not None else None
        if any("LEMMA" in {key.upper() for key in tok} for pattern in patterns for tok in pattern):
            self._needs_lemma.add(language)
        return None

    def find(self, ctx: Context) -> None:
        """Run the matchers that can match over the post; matches go with the term hits."""
        out = ctx.term_hits
        post = ctx.post
        langs = {lang for _, _, lang in post.sentences} or {post.language}
        text = post.analysed.text
        # Python lower-cases a final sigma by its context, so a token's lower case may not be in the text's.
        lowered = None if "Σ" in text else text.lower()
        analysed = post.analysed
        for language, rules in self._matchers.items():
            if language not in langs:
                continue
            tokens = None
            for key, (matcher, requirements) in rules.items():
                if requirements is not None:
                    # Before tokenizing in another language, the text itself; then the tokens, exactly.
                    if tokens is None and language not in post.doc_cache and lowered is not None and not any(
                            need.in_text(text, lowered) for need in requirements):
                        continue
                    tokens = tokens or TokenSet(self._tokens(ctx, language))
                    gate = self._gates.get((language, key))
                    if gate is not None and not gate.open(tokens):
                        continue
                    if not any(need.in_tokens(tokens) for need in requirements):
                        continue
                doc = self._doc(ctx, language)
                for _, start, end in matcher(doc):
                    first, last = doc[start], doc[end - 1]
                    a, b = analysed.to_original(first.idx, last.idx + len(last.text))
                    sent = post.sentence_of(a)
                    if post.sentences and post.sentences[sent][2] != language:
                        continue
                    out[key].append(Hit(a, b, sent))

    def _tokens(self, ctx: Context, language: str):
        post = ctx.post
        doc = post.doc_cache.get(language)
        if doc is None:
            doc = post.doc_cache[language] = self._pipelines.tokenize(post.analysed.text, language)
        return doc

    def _doc(self, ctx: Context, language: str):
        doc = self._tokens(ctx, language)
        if language in self._needs_lemma and not doc.user_data.get("lemmas"):
            lemma = self._pipelines.lemma
            for tok in doc:
                tok.lemma_ = lemma(tok.text, language)
            doc.user_data["lemmas"] = True
        return doc


class TokenSet:
    """The texts, lower-case forms and shapes of a post's tokens in one language, as string hashes, and their lexical flags."""

    __slots__ = ("doc", "texts", "lowers", "shapes", "_flags")

    def __init__(self, doc) -> None:
        self.doc = doc
        # One array out of the Doc instead of a Token object per token and attribute: this runs on every post.
        columns = doc.to_array([ORTH, LOWER, SHAPE]).T.tolist() if len(doc) else ([], [], [])
        self.texts = set(columns[0])
        self.lowers = set(columns[1])
        self.shapes = set(columns[2])
        self._flags: dict[str, bool] = {}

    def has(self, flag: str) -> bool:
        """Whether any token has the lexical attribute (LIKE_NUM, IS_CURRENCY...) set."""
        found = self._flags.get(flag)
        if found is None:
            found = self._flags[flag] = bool(len(self.doc)) and bool(self.doc.to_array([IDS[flag]]).any())
        return found


class Requirement:
    """What one pattern needs: for every token it cannot skip, one of that token's texts, and its lexical flags."""

    __slots__ = ("exact", "lower", "flags", "exact_ids", "lower_ids", "shape_ids")

    def __init__(self, exact: list[tuple[str, ...]], lower: list[tuple[str, ...]], flags: tuple[str, ...],
                 shapes: list[tuple[str, ...]] = ()) -> None:
        self.exact = exact  # ORTH / TEXT: as written
        self.lower = lower  # LOWER: in lower case
        self.flags = flags  # LIKE_NUM, IS_CURRENCY...: true of some token
        # The same texts as spaCy's string hashes, which is what a TokenSet holds, a set per token: one set
        # test, not a loop over a long {IN: [...]} list.
        self.exact_ids = [frozenset(hash_string(word) for word in words) for words in exact]
        self.lower_ids = [frozenset(hash_string(word) for word in words) for words in lower]
        # SHAPE ("dd%"): looked for among the tokens only; the text is not searched for a shape.
        self.shape_ids = [frozenset(hash_string(shape) for shape in options) for options in shapes]

    def __bool__(self) -> bool:
        return bool(self.exact or self.lower or self.flags or self.shape_ids)

    def in_text(self, text: str, lowered: str) -> bool:
        """Whether every required token has one of its texts in the post's text or its lower case (a token is a slice of it)."""
        return (all(any(word in lowered for word in words) for words in self.lower)
                and all(any(word in text for word in words) for words in self.exact))

    def in_tokens(self, tokens: TokenSet) -> bool:
        """Whether every required token has one of its texts or shapes among the tokens, and some token has each flag."""
        lowers, texts, shapes = tokens.lowers, tokens.texts, tokens.shapes
        return (all(not words.isdisjoint(lowers) for words in self.lower_ids)
                and all(not words.isdisjoint(texts) for words in self.exact_ids)
                and all(not options.isdisjoint(shapes) for options in self.shape_ids)
                and all(tokens.has(flag) for flag in self.flags))


class Gate:
    """One word group of each of a rule's requirements, merged: a post whose tokens hold none of them meets none."""

    __slots__ = ("lower", "exact", "shapes")

    def __init__(self, lower: frozenset[int], exact: frozenset[int], shapes: frozenset[int]) -> None:
        self.lower, self.exact, self.shapes = lower, exact, shapes

    def open(self, tokens: TokenSet) -> bool:
        """Whether any requirement may be met: a few set tests in place of every requirement's every group."""
        return not (self.lower.isdisjoint(tokens.lowers) and self.exact.isdisjoint(tokens.texts)
                    and self.shapes.isdisjoint(tokens.shapes))


def gate_of(requirements: list[Requirement]) -> Gate | None:
    """The gate of a rule's requirements; None when one of them asks for lexical flags alone."""
    groups: dict[str, set[int]] = {"lower": set(), "exact": set(), "shapes": set()}
    for need in requirements:
        kind, group = next(((kind, found[0]) for kind, found in
                            (("lower", need.lower_ids), ("exact", need.exact_ids), ("shapes", need.shape_ids)) if found),
                           (None, ()))
        if kind is None:
            return None
        groups[kind].update(group)
    return Gate(frozenset(groups["lower"]), frozenset(groups["exact"]), frozenset(groups["shapes"]))


# Operators under which a token may be absent from a match: only a token without one, or with "+", is required.
REQUIRED_OPERATORS = (None, "+")
# Lexical flags a required token may ask for: any token of the post must have the flag set.
FLAGS = ("LIKE_NUM", "IS_CURRENCY", "IS_DIGIT", "LIKE_URL", "LIKE_EMAIL")


def required_literals(pattern: list[dict]) -> Requirement:
    """What the text must contain for `pattern` to match (empty: nothing known)."""
    exact: list[tuple[str, ...]] = []
    lower: list[tuple[str, ...]] = []
    shapes: list[tuple[str, ...]] = []
    flags: list[str] = []
    for token in pattern:
        # spaCy reads pattern keys in any letter case.
        attrs = {key.upper(): value for key, value in token.items() if isinstance(key, str)}
        if attrs.get("OP") not in REQUIRED_OPERATORS:
            continue
        for attr, into in (("LOWER", lower), ("ORTH", exact), ("TEXT", exact), ("SHAPE", shapes)):
            words = literal_set(attrs.get(attr))
            if words:
                into.append(words)
        flags += [flag for flag in FLAGS if attrs.get(flag) is True]
    return Requirement(exact, lower, tuple(dict.fromkeys(flags)), shapes)


def literal_set(value) -> tuple[str, ...] | None:
    """The texts a token attribute's value accepts, when it names them (a string or {IN: [strings]})."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, dict) and len(value) == 1:
        words = next((item for key, item in value.items() if isinstance(key, str) and key.upper() == "IN"), None)
        if isinstance(words, list) and words and all(isinstance(word, str) for word in words):
            return tuple(words)
    return None


class PatternMatcher:
    def __init__(self, matcher_id: int) -> None:
        self.matcher_id = matcher_id

    def triggers(self) -> set[int]:
        return {self.matcher_id}

    def find(self, ctx: Context) -> list[Hit]:
        return ctx.term_hits.get(self.matcher_id, [])
