"""Token patterns run only over posts that contain what they need: the shortcut never loses a match."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from hypothesis import given, settings, strategies as st
from spacy.matcher import Matcher

from preflight.matchers.base import Context
from preflight.matchers.pattern import PatternIndex

PATTERNS = {
    1: [[{"LIKE_NUM": True}, {"ORTH": "%"}, {"LOWER": {"IN": ["off", "discount"]}}]],
    2: [[{"LOWER": "only"}, {"LIKE_NUM": True}, {"LOWER": {"IN": ["left", "remaining"]}}]],
    3: [[{"IS_CURRENCY": True}, {"LIKE_NUM": True}]],
    4: [[{"lower": "you"}, {"LOWER": "should", "OP": "?"}, {"LOWER": "'ve"}]],
    5: [[{"LOWER": {"IN": ["buy", "get"]}}, {"OP": "?"}, {"LOWER": "now"}], [{"IS_ALPHA": True}, {"ORTH": "!"}]],
    6: [[{"SHAPE": {"IN": ["dd", "d%"]}}, {"LOWER": {"IN": ["off", "left"]}}]],
}
WORDS = ["Only", "only", "3", "three", "left", "50", "%", "50%", "off", "OFF", "discount", "$", "€", "10", "you",
         "You", "should", "'ve", "should've", "buy", "get", "it", "now", "NOW", "!", "the", "ΟΔΟΣ", "Σ", "remaining"]


def hits_of(checker, text: str, index: PatternIndex) -> dict:
    post = checker.analyzer.analyse(text, "en", "en", None, "post", date(2026, 5, 4), mixed=False)
    ctx = Context(post, defaultdict(list), checker.analyzer.pipelines)
    index.find(ctx)
    return {key: sorted((h.start, h.end) for h in hits) for key, hits in ctx.term_hits.items() if hits}


def unfiltered(checker, text: str) -> dict:
    """Every pattern run over the post's tokens, as spaCy finds them."""
    post = checker.analyzer.analyse(text, "en", "en", None, "post", date(2026, 5, 4), mixed=False)
    doc = checker.analyzer.pipelines.tokenize(post.analysed.text, "en")
    out = {}
    for key, patterns in PATTERNS.items():
        matcher = Matcher(doc.vocab)
        matcher.add(str(key), patterns)
        found = sorted(post.analysed.to_original(doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)) for _, s, e in matcher(doc))
        if found:
            out[key] = [tuple(span) for span in found]
    return out


def build(checker) -> PatternIndex:
    index = PatternIndex(checker.analyzer.pipelines)
    for key, patterns in PATTERNS.items():
        assert index.add(key, "en", patterns) is None
    return index


def test_a_post_with_what_a_pattern_needs_is_matched(checker):
    index = build(checker)
    found = hits_of(checker, "Only 3 left! Up to 50% off, just $10, buy it now", index)
    assert set(found) == {1, 2, 3, 5}


def test_a_post_without_the_words_runs_no_matcher(checker):
    index = build(checker)
    ran = []
    for rules in index._matchers.values():
        for key, (matcher, requirements) in list(rules.items()):
            rules[key] = (lambda doc, key=key, matcher=matcher: ran.append(key) or matcher(doc), requirements)
    assert hits_of(checker, "Lovely walk in the park today, see you at the shop", index) == {}
    assert ran == []


def test_a_shape_a_pattern_needs_is_looked_for_among_the_tokens(checker):
    index = build(checker)
    assert 6 not in hits_of(checker, "Only 3 left, the rest are off", index)
    assert hits_of(checker, "Only 30 left", index)[6] == [(5, 12)]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12), st.lists(st.sampled_from([" ", "", ", "]), min_size=12, max_size=12))
def test_the_shortcut_finds_what_the_full_matcher_finds(checker, words, gaps):
    text = "".join(word + gap for word, gap in zip(words, gaps))
    assert hits_of(checker, text, build(checker)) == unfiltered(checker, text)
