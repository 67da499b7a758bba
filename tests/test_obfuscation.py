"""Skipping the de-obfuscation layer on posts without any disguise must change nothing."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from preflight.analysis import Post

PIECES = ["retard", "shit", "fan", "Fan", "kanker", "a", "I", "s", "h", "i", "t", "-", ".", "!", "'", "@ss", "sh1t",
          "shiiit", "Kan@ke", "mongo", "vad", "bra", "you", "are", "the", "best", "#retard", "spasser", "😀", "é"]
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
