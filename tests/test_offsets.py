"""Property tests: every span points into the original text, whatever the text is."""
from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from preflight.text.normalize import CharFolder, analyse_text

WORDS = ["guaranteed", "sh1t", "#WhyIStayed", "@ss", "retard", "r e t a r d", "kanker", "👍🏽", "e\u0301", "\u200b", "https://x.com/a", "a@b.co", "0612345678", "!!!", "ﬁ", "scаm"]
texts = st.lists(st.one_of(st.text(max_size=20), st.sampled_from(WORDS)), max_size=12).map(" ".join)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(text=texts, language=st.sampled_from(["auto", "en", "nl", "da", "sv", "de"]))
def test_spans_slice_the_original_text(checker, text, language):
    report = checker.check(text, language=language, platform="x")
    for finding in report.findings:
        span = finding.span
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start:span.end] == span.text


@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_analysis_map_is_monotonic_and_in_bounds(text):
    analysed = analyse_text(text, CharFolder(), lambda body: [(0, len(body))] if body else [])
    assert len(analysed.src_start) == len(analysed.text) == len(analysed.src_end)
    previous = 0
    for start, end in zip(analysed.src_start, analysed.src_end):
        assert 0 <= start <= end <= len(text)
        assert start >= previous
        previous = start


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="#＃@"), max_size=30))
def test_invisible_characters_do_not_change_the_analysis(text):
    assume("http" not in text.lower() and "www" not in text.lower())
    folder = CharFolder()
    plain = analyse_text(text, folder, lambda body: [])
    hidden = analyse_text("\u200b".join(text), folder, lambda body: [])
    assert plain.text == hidden.text
