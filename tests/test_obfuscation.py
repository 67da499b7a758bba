"""Disguised words: masked letters are read back, and skipping the layer on plain posts changes nothing."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from preflight.text.post import Post

PIECES = ["retard", "shit", "fan", "Fan", "kanker", "a", "I", "s", "h", "i", "t", "-", ".", "!", "'", "@ss", "sh1t",
          "shiiit", "Kan@ke", "mongo", "vad", "bra", "you", "are", "the", "best", "#retard", "spasser", "😀", "é",
          "f**k", "sh*t", "*", "#", "*new*"]
posts = st.lists(st.sampled_from(PIECES), min_size=1, max_size=10).flatmap(
    lambda words: st.lists(st.sampled_from([" ", "", "  "]), min_size=len(words), max_size=len(words)).map(
        lambda seps: "".join(w + s for w, s in zip(words, seps))
    )
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(text=posts, language=st.sampled_from(["en", "nl", "sv", "da", "de"]))
def test_skipping_the_layer_is_lossless(checker, monkeypatch, text, language):
    quick = checker.check(text, language=language)
    with monkeypatch.context() as patched:
        patched.setattr(Post, "may_be_obfuscated", lambda self: True)
        full = checker.check(text, language=language)
    assert [f.to_dict() for f in quick.findings] == [f.to_dict() for f in full.findings]


@pytest.mark.parametrize("text, language, word", [
    ("This launch is f**king epic", "en", "f**king"),
    ("What a sh*tty day. Grab a brolly", "en", "sh*tty"),
    ("Sick of this bullsh#t weather?", "en", "bullsh#t"),
    ("Such an a**hole move", "en", "a**hole"),
    ("So eine Schei*e, der Zug ist weg", "de", "Schei*e"),
    ("What a r*tard idea", "en", "r*tard"),
])
def test_masked_word_is_found_where_it_is_written(checker, text, language, word):
    report = checker.check(text, language=language)
    spans = [(f.span.start, f.span.end, f.span.text) for f in report.findings if f.pack == "offensive-language"]
    start = text.index(word)
    assert spans == [(start, start + len(word), word)]
    assert report.verdict == "block"


@pytest.mark.parametrize("text, language", [
    ("*New* in store: the Harbour jacket", "en"),
    ("Rated 5*** by our customers", "en"),
    ("Too much to say: f*** would be one letter short of a word", "en"),
    ("Our Sc*nthorpe store opens at 9", "en"),
    ("Fan*tastiskt väder idag", "sv"),
])
def test_decorations_and_unknown_masks_stay_quiet(checker, text, language):
    report = checker.check(text, language=language)
    assert [f.rule for f in report.findings if f.pack == "offensive-language"] == []
