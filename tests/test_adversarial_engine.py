"""Hostile inputs to the engine: the work per text, per image and per pack stays bounded.

Work is measured, never time: the runs without spaces handed to spaCy's tokenizer (its
affix splitting costs the square of a run's length), the positions a pattern can start
from, the frames decoded, the items a YAML file stands for.
"""
from __future__ import annotations

import io
import itertools
import threading
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFile

from preflight import PackError
from preflight.checker import MAX_TEXT_CHARS
from preflight.text.entities import BARE_DOMAIN_RE, EMAIL_RE, HASHTAG_RE, MENTION_RE
from preflight.images.check import ImageLimits, ImageSource
from preflight.images.decode import PixelBudget, decode_image
from preflight.images.index import ReferenceIndex
from preflight.pipeline import Attachment, Submission, check_post
from preflight.text.language import strip_noise
from preflight.matchers import masks
from preflight.text.normalize import MAX_FOLDED, MAX_RUN, CharFolder, analyse_text
from preflight.packs.load import BackgroundReload

from .test_packs_lint import GOOD_RULE, HEADER, problems_of, write_pack

N = 10_000
# The inputs of the attack: one long run without spaces each.
LONG_RUNS = {
    "exclamation marks": "Sale" + "!" * N,
    "emoji": "😀" * N,
    "family emoji": "👨‍👩‍👧‍👦" * (N // 7),
    "closing parentheses": ")" * N,
    "hash signs": "#" * N,
    "skin tones": "👍🏽" * (N // 2),
    "flags": "🇳🇱" * (N // 2),
    "combining accents": "e" + "\u0301" * N,
    "hyphens between letters": "a" + "-" * N + "b",
    "masks": "f" + "*" * N + "k",
    "one long hashtag": "#" + "Ab" * (N // 2),
    "a long word": "a" * N,
}


def runs_of(text: str) -> list[int]:
    return [len(run) for run in text.split()]


@pytest.fixture()
def tokenized(checker, monkeypatch) -> list[str]:
    """Every text the post's analyser hands to spaCy's tokenizer during a test."""
    seen: list[str] = []
    pipelines = checker.analyzer.pipelines
    original = pipelines.tokenize

    def spy(text, language):
        seen.append(text)
        return original(text, language)

    monkeypatch.setattr(pipelines, "tokenize", spy)
    return seen


def affix_work(texts: list[str]) -> int:
    """What spaCy's prefix and suffix splitting costs: the square of each run without spaces."""
    return sum(length * length for text in texts for length in runs_of(text))


@pytest.mark.parametrize("kind", LONG_RUNS)
def test_a_long_run_without_spaces_reaches_the_tokenizer_in_short_pieces(checker, tokenized, kind):
    text = LONG_RUNS[kind]
    checker.check(text, language="en")
    assert max(runs_of(tokenized[-1])) <= MAX_RUN
    assert affix_work(tokenized) <= MAX_RUN * 2 * len(text)


def test_a_long_run_is_still_checked_and_reported_in_the_editors_offsets(checker):
    text = "You " + "😀" * N + " idiot. Sale" + "!" * N
    found = {f.rule: (f.span.start, f.span.end) for f in checker.check(text, language="en").findings}
    assert found["offensive-language/insult"] == (N + 5, N + 10)
    assert found["brand-tone/exclamation-overload"] == (N + 16, len(text))


def check_images(attachments, checker, limits):
    """The report of a post that is only these images, with an empty reference index."""
    source = ImageSource(SimpleNamespace(index=ReferenceIndex()), lambda ids: {}, limits)
    return check_post(Submission("", "en", images=tuple(attachments)), checker, [source])


def test_alt_text_goes_through_the_same_bounded_analysis(checker, tokenized):
    limits = ImageLimits(max_bytes=2**20, max_pixels=10**6, ocr_seconds=1.0)
    alt = "Sale" + "!" * N
    checks = check_images([Attachment(data=b"not an image", alt=alt)], checker, limits)
    assert [f.source for f in checks.findings] == ["alt"]
    assert max(runs_of(tokenized[-1])) <= MAX_RUN


def test_the_obfuscation_layer_reads_only_short_chunks(checker, monkeypatch):
    lengths: list[int] = []
    original = masks.mask_pattern

    def spy(chunk, language):
        lengths.append(len(chunk))
        return original(chunk, language)

    monkeypatch.setattr(masks, "mask_pattern", spy)
    checker.check("sh" + "*" * N + "t " + "f*ck" * (N // 4), language="en")
    assert lengths and max(lengths) <= MAX_RUN


def test_a_masked_chunk_is_compared_only_with_terms_of_its_shape(monkeypatch):
    # 110,000 terms: compared with every one, each masked chunk cost a tenth of a second.
    letters = "abcdefghij"
    words = ["".join(p) for p in itertools.product(letters, repeat=4)]
    words += ["".join(p) for p in itertools.product(letters, repeat=5)]
    index = masks.MaskedWords(words)
    compared: list[str] = []
    original = masks.mask_pattern

    class Counting:
        def __init__(self, pattern):
            self.pattern = pattern

        def fullmatch(self, word):
            compared.append(word)
            return self.pattern.fullmatch(word)

    def counting(chunk, language):
        mask = original(chunk, language)
        return masks.Mask(Counting(mask.pattern), mask.first, mask.last, mask.shortest, mask.longest)

    monkeypatch.setattr(masks, "mask_pattern", counting)
    found = index.unmask("a**j", "en")
    # "a**j" stands for 4 or 5 letters: a??j and a???j, 100 + 1,000 of the terms.
    assert len(found) == 1_100
    assert len(compared) == 1_100


@pytest.mark.parametrize("pattern, run, tail", [
    (EMAIL_RE, "a" * 200, "@example.com"),
    (EMAIL_RE, "a." * 100, "@example.com"),
    (BARE_DOMAIN_RE, "a" * 200, ".com"),
    (MENTION_RE, "@" * 200, "brand"),
    (HASHTAG_RE, "#" * 200, "sale"),
])
def test_an_entity_pattern_starts_only_where_its_run_starts(pattern, run, tail):
    # A pattern that may start anywhere inside a run rescans the rest of the run from
    # every position: "a" * 99998 + " @" took a worker past its 30 s timeout.
    text = run + tail
    starts = [k for k in range(len(run)) if pattern.match(text, k)]
    assert len(starts) <= 1


def test_a_character_that_folds_to_a_phrase_stays_as_typed():
    folder = CharFolder()
    assert folder.fold("\ufdfa") == "\ufdfa"  # NFKC: 18 letters
    assert folder.fold("ﬃ") == "ffi" and folder.fold("½") == "1⁄2"
    analysed = analyse_text("\ufdfa" * 1_000, folder, lambda body: [(0, len(body))])
    assert len(analysed.text.replace(" ", "")) == 1_000


def test_normalisation_and_language_detection_see_the_same_entities():
    text = "Mail jane.doe+news@example.co.uk or @brand at https://example.com/a?b #SummerSale"
    masked = analyse_text(text, CharFolder(), lambda body: [(0, len(body))])
    assert [e.kind for e in masked.entities] == ["email", "mention", "url", "hashtag"]
    assert strip_noise(text) == "Mail or at Summer Sale"


FRAGMENTS = ["!", ")", "#", "@", "*", "-", ".", "a", "é", "\u0301", "\u200b", "😀", "👨‍👩‍👧‍👦", "👍🏽", "🇳🇱",
             "www.", "a@", "Ab", "sh*t", "ﷺ", " ", "\n", "\ud800"]
pieces = st.lists(st.tuples(st.sampled_from(FRAGMENTS), st.integers(1, 4_000)), min_size=1, max_size=8)


def assemble(parts: list[tuple[str, int]]) -> str:
    return "".join(fragment * count for fragment, count in parts)[: (MAX_TEXT_CHARS - 20) // 2]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=pieces, after=pieces)
@example(before=[("!", MAX_TEXT_CHARS)], after=[("😀", MAX_TEXT_CHARS)])
def test_any_text_is_checked_with_work_proportional_to_its_length(checker, tokenized, before, after):
    head, tail = assemble(before), assemble(after)
    text = f"{head} idiot {tail}"
    tokenized.clear()
    report = checker.check(text, language="en")
    analysis = tokenized[-1]
    # A character folds to at most MAX_FOLDED, and a hashtag's words get a space each.
    assert len(analysis) <= (MAX_FOLDED + 1) * len(text) + 1
    assert max(runs_of(analysis), default=0) <= MAX_RUN
    assert affix_work(tokenized) <= MAX_RUN * (MAX_FOLDED + 1) * len(text)
    for finding in report.findings:
        assert 0 <= finding.span.start < finding.span.end <= len(text)
        assert text[finding.span.start:finding.span.end] == finding.span.text
    where = len(head) + 1
    insults = [f.span for f in report.findings if f.rule == "offensive-language/insult"]
    assert [(s.start, s.end) for s in insults] == [(where, where + len("idiot"))]


@settings(max_examples=60, deadline=None)
@given(parts=pieces)
def test_cuts_stand_for_no_original_character(parts):
    text = assemble(parts)
    analysed = analyse_text(text, CharFolder(), lambda body: [(0, len(body))])
    assert max(runs_of(analysed.text), default=0) <= MAX_RUN
    previous = 0
    for ch, start, end in zip(analysed.text, analysed.src_start, analysed.src_end):
        assert previous <= start <= end <= len(text)
        previous = start
        if start == end:
            assert ch.isspace()  # a cut or a masked entity: a space standing for nothing typed


# Images: a GIF of many large frames is small to send and long to decode.

def animation(frames: int, side: int) -> bytes:
    out = io.BytesIO()
    images = [Image.new("P", (side, side), i % 2) for i in range(frames)]
    images[0].save(out, "GIF", save_all=True, append_images=images[1:])
    return out.getvalue()


@pytest.fixture(scope="module")
def many_frames() -> bytes:
    return animation(64, 1000)


@pytest.fixture()
def frames_decoded(monkeypatch) -> list[int]:
    """How many frames Pillow decodes (a load with image data still to read)."""
    count = [0]
    original = ImageFile.ImageFile.load

    def spy(self):
        if self.tile:
            count[0] += 1
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    return count


def test_an_animation_is_sampled_within_its_pixel_budget(many_frames, frames_decoded):
    decoded = decode_image(many_frames, max_bytes=2**20, max_pixels=10**6, max_decoded_pixels=8 * 10**6)
    assert frames_decoded[0] <= 8
    assert len(decoded.frames) == 4  # still sampled: the first frame and three more


def test_the_images_of_one_request_share_one_budget(checker, many_frames, frames_decoded):
    limits = ImageLimits(max_bytes=2**20, max_pixels=10**6, ocr_seconds=1.0, max_request_pixels=6 * 10**6)
    checks = check_images([Attachment(many_frames)] * 3, checker, limits)
    errors = [entry["error"] and entry["error"]["code"] for entry in checks.images]
    assert errors[0] is None
    assert "too_many_pixels" in errors
    assert frames_decoded[0] <= 6


def test_a_budget_spent_by_earlier_images_refuses_the_next(many_frames):
    budget = PixelBudget(10**6 + 10**5)
    decode_image(many_frames, max_bytes=2**20, max_pixels=10**6, budget=budget)
    with pytest.raises(Exception) as refused:
        decode_image(many_frames, max_bytes=2**20, max_pixels=10**6, budget=budget)
    assert getattr(refused.value, "code", None) == "too_many_pixels"
    assert "send fewer or smaller images" in str(refused.value)


# Packs.

@pytest.mark.parametrize("pattern", [
    '[[{TEXT: {regex: "^(a+)+$"}}]]',
    '[[{TEXT: {Regex: "^(a+)+$"}}]]',
    '[[{lower: {fuzzy: "sale"}}]]',
    '[[{LOWER: {FUZZY2: "sale"}}]]',
    '[[{LOWER: {IN: [sale]}}, {TEXT: {NOT_IN: [x]}, regex: "(a+)+"}]]',
])
def test_regex_and_fuzzy_are_refused_in_token_patterns_in_any_case(tmp_path, analyzer, pattern):
    write_pack(tmp_path, HEADER + GOOD_RULE.replace("phrase: {en: [too good]}", f"pattern: {{en: {pattern}}}"))
    found = problems_of(tmp_path, analyzer)
    assert any("REGEX and FUZZY are not allowed" in p for p in found), found


def alias_bomb(levels: int) -> str:
    lines = ['x0: &x0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        lines.append(f"x{level}: &x{level} [" + ", ".join([f"*x{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_a_yaml_alias_is_refused_where_it_is_used(tmp_path, analyzer):
    # Four levels stand for 10,000 items; nine ran the loader out of memory.
    write_pack(tmp_path, HEADER + GOOD_RULE + alias_bomb(4))
    found = problems_of(tmp_path, analyzer)
    assert found == ["demo.yaml:15:10: aliases are not allowed in packs (*x0): write the value out in full"]


def test_a_merge_key_is_an_alias_too(tmp_path, analyzer):
    rule = GOOD_RULE.replace("  - id: too-good\n", "  - &base\n    id: too-good\n")
    write_pack(tmp_path, HEADER + rule + "  - <<: *base\n    id: too-good-again\n")
    found = problems_of(tmp_path, analyzer)
    assert len(found) == 1 and "aliases are not allowed in packs (*base)" in found[0], found


def test_yaml_nested_too_deeply_is_a_problem_not_a_crash(tmp_path, analyzer):
    write_pack(tmp_path, HEADER + "  - " + "[" * 5_000 + "]" * 5_000 + "\n")
    found = problems_of(tmp_path, analyzer)
    assert found == ["demo.yaml:5:53: nested more than 50 levels deep: a pack needs only a few"]


def test_a_reload_asked_for_by_a_request_runs_outside_it():
    started, release = threading.Event(), threading.Event()
    runs: list[int] = []

    def reload() -> list[str]:
        started.set()
        release.wait(30)
        runs.append(1)
        return []

    background = BackgroundReload(reload)
    background.request()  # returns while the reload is still compiling
    assert started.wait(30) and not runs
    background.request()  # the files changed again meanwhile: one more reload after this one
    background.request()
    release.set()
    assert background.wait(30)
    assert len(runs) == 2


def test_a_failing_background_reload_keeps_the_thread_usable(caplog):
    calls: list[int] = []

    def reload() -> list[str]:
        calls.append(1)
        if len(calls) == 1:
            raise PackError([])
        return ["demo.yaml:1:1: broken"]

    background = BackgroundReload(reload)
    background.request()
    assert background.wait(30)
    background.request()
    assert background.wait(30)
    assert len(calls) == 2
    assert "demo.yaml:1:1: broken" in caplog.text
