"""The `classifier` matcher kind: a tiny model trained here, thresholds, profiles, a missing model, word rules first."""
from __future__ import annotations

import numpy as np
import pytest

from preflight import Checker
from preflight.errors import PackError
from preflight.learned.features import features
from preflight.learned.linear import read_model, write_model

from .conftest import rule_ids

BITS = 12
HOSTILE = ["you are vile scum", "vile scum like you", "scum get out", "such vile people"]
ORDINARY = ["our new shoes are here", "thanks for your order", "see you in the store", "new colours this spring"]


def train_tiny(path, hostile=HOSTILE, ordinary=ORDINARY) -> None:
    """A few hundred steps of logistic regression in numpy: enough to tell 'vile scum' from shop talk."""
    rows = [features(text, BITS) for text in hostile + ordinary]
    labels = np.array([1.0] * len(hostile) + [0.0] * len(ordinary))
    weights, bias = np.zeros(1 << BITS, dtype=np.float32), 0.0
    for _ in range(40):
        for (index, values), label in zip(rows, labels):
            p = 1 / (1 + np.exp(-(values @ weights[index] + bias)))
            weights[index] -= 0.3 * (p - label) * values
            bias -= 0.3 * (p - label)
    write_model(path, weights, bias, BITS, {"en": 0.7, "nl": 0.99})


def write_pack(folder, threshold: str = "", extra_rules: str = "", model: str = "tiny.npz", profile: str = "") -> None:
    (folder / "tone.yaml").write_text(
        f"""id: tone
title: Tone
version: 1.0.0
rules:
{extra_rules}
  - id: hostile
    severity: warning
    message: {{en: "hostile ({{value}})", nl: "vijandig ({{value}})"}}
    languages: [en, nl]
    match:
      classifier: {model}
{threshold}
""",
        encoding="utf-8",
    )
    if profile:
        (folder / "profiles").mkdir(exist_ok=True)
        (folder / "profiles" / "brand.yaml").write_text(profile, encoding="utf-8")


@pytest.fixture()
def tiny(tmp_path):
    train_tiny(tmp_path / "tiny.npz")
    return tmp_path


def test_the_model_file_round_trips(tiny):
    model = read_model(tiny / "tiny.npz")
    assert model.bits == BITS and model.thresholds == {"en": pytest.approx(0.7), "nl": pytest.approx(0.99)}
    assert model.score("Vile scum, all of you.") > 0.7 > model.score("Our new shoes are here.")


def test_fires_on_the_hostile_sentence_only_with_score_and_reasons(tiny, analyzer):
    write_pack(tiny)
    checker = Checker.from_directory(tiny, analyzer=analyzer)
    text = "Our new shoes are here. You are vile scum!"
    report = checker.check(text, language="en")
    assert rule_ids(report) == ["tone/hostile"]
    finding = report.findings[0]
    assert finding.span.text == "You are vile scum!"
    assert finding.severity == "warning" and report.verdict == "warn"
    assert 0.7 <= finding.score <= 1
    assert finding.details["model"] == "tiny" and finding.details["threshold"] == pytest.approx(0.7)
    assert "scum" in finding.details["words"] and "shoes" not in finding.details["words"]
    assert finding.to_dict()["score"] == finding.score
    assert checker.check("Thanks for your order, see you in the store.", language="en").findings == []
    assert checker.skipped == []


def test_the_model_calibration_applies_per_language_without_a_threshold(tiny, analyzer):
    write_pack(tiny)
    checker = Checker.from_directory(tiny, analyzer=analyzer)
    score = read_model(tiny / "tiny.npz").score("vile scum")
    assert 0.7 <= score < 0.99, "the test needs a score between the two calibrated thresholds"
    assert rule_ids(checker.check("vile scum", language="en")) == ["tone/hostile"]
    assert rule_ids(checker.check("vile scum", language="nl")) == []


def test_a_rule_threshold_overrides_the_calibration(tiny, analyzer):
    write_pack(tiny, threshold="      threshold: {default: 0.999}")
    checker = Checker.from_directory(tiny, analyzer=analyzer)
    assert checker.check("You are vile scum!", language="en").findings == []


def test_a_post_scored_whole_finds_hostility_spread_over_two_sentences(tiny, analyzer):
    text = "You are vile. Such scum."
    model = read_model(tiny / "tiny.npz")
    alone = [model.score(sentence) for sentence in ("You are vile.", "Such scum.")]
    assert max(alone) < 0.9 <= model.score("You are vile. Such scum."), "the test needs two sentences that reach 0.9 only together"
    write_pack(tiny, threshold="      threshold: 0.9")
    assert Checker.from_directory(tiny, analyzer=analyzer).check(text, language="en").findings == []
    write_pack(tiny, threshold="      threshold: 0.9\n      whole_post: [en]")
    checker = Checker.from_directory(tiny, analyzer=analyzer)
    report = checker.check(text, language="en")
    assert rule_ids(report) == ["tone/hostile"]
    finding = report.findings[0]
    # The finding marks the more hostile sentence and says the post was read as a whole.
    assert finding.span.text == "Such scum."
    assert finding.details["scored"] == "whole post" and finding.score >= 0.9
    # Only the languages named: a Dutch post is still read sentence by sentence, and shop talk stays quiet whole.
    assert checker.check(text, language="nl").findings == []
    assert checker.check("Our new shoes are here. Thanks for your order.", language="en").findings == []


def test_a_sentence_that_fires_alone_is_shown_as_itself_not_again_as_the_post(tiny, analyzer):
    write_pack(tiny, threshold="      threshold: 0.85\n      whole_post: [en]")
    report = Checker.from_directory(tiny, analyzer=analyzer).check("You are vile. Such scum.", language="en")
    assert [f.span.text for f in report.findings] == ["Such scum."]
    assert "scored" not in report.findings[0].details


def test_a_profile_rethresholds_or_disables_the_rule(tiny, analyzer):
    write_pack(tiny, profile="id: brand\nname: Brand\nthresholds: {tone/hostile: {en: 0.999}}\n")
    checker = Checker.from_directory(tiny, analyzer=analyzer)
    text = "You are vile scum!"
    assert rule_ids(checker.check(text, language="en")) == ["tone/hostile"]
    assert checker.check(text, language="en", profile="brand").findings == []
    write_pack(tiny, profile="id: brand\nname: Brand\ndisabled_rules: [tone/hostile]\n")
    checker = Checker.from_directory(tiny, analyzer=analyzer)
    assert checker.check(text, language="en", profile="brand").findings == []


def test_a_bad_threshold_is_reported_where_it_is_written(tiny, analyzer):
    write_pack(tiny, threshold="      threshold: 1.5")
    with pytest.raises(PackError) as error:
        Checker.from_directory(tiny, analyzer=analyzer)
    assert "tone.yaml:" in str(error.value) and "threshold" in str(error.value)


def test_a_missing_model_is_skipped_and_the_rest_still_runs(tmp_path, analyzer):
    write_pack(tmp_path, model="absent.npz", extra_rules="""
  - id: banned
    severity: block
    message: {en: "no {match}"}
    match: {phrase: {en: [scum]}}
""")
    checker = Checker.from_directory(tmp_path, analyzer=analyzer)
    assert checker.skipped == [{"check": "tone/hostile", "reason": "the model 'absent.npz' is not installed"}]
    assert rule_ids(checker.check("You are vile scum!", language="en")) == ["tone/banned"]


def test_a_word_rule_on_the_same_words_is_the_one_finding_shown(tiny, analyzer):
    write_pack(tiny, extra_rules="""
  - id: scum
    severity: block
    message: {en: "no {match}"}
    match: {phrase: {en: [scum]}}
""")
    checker = Checker.from_directory(tiny, analyzer=analyzer)
    assert rule_ids(checker.check("You are vile scum!", language="en")) == ["tone/scum"]
    # A hostile sentence elsewhere in the post is still the model's finding.
    report = checker.check("Scum. Such vile people, all of you.", language="en")
    assert rule_ids(report) == ["tone/scum", "tone/hostile"]


def test_the_shipped_rule_flags_abuse_and_not_service_replies(checker):
    # The example sentence of the rule that no word rule names, so the model's finding is the one shown.
    report = checker.check("Shut up, you dirty little rat, nobody likes you.", language="en")
    assert "offensive-language/abusive-tone" in rule_ids(report)
    assert checker.check("So sorry about the delay, we have sent you a new parcel today.", language="en").findings == []
    assert checker.skipped == []


def test_the_shipped_rule_reads_a_german_post_whole(checker):
    # Each sentence alone scores under German's threshold; together they are the finding, on the stronger sentence.
    report = checker.check("Was für eine Schande. Ihr habt dieses Land verraten.", language="de")
    findings = [f for f in report.findings if f.rule == "offensive-language/abusive-tone"]
    assert [f.span.text for f in findings] == ["Ihr habt dieses Land verraten."]
    assert findings[0].details["scored"] == "whole post"
    assert checker.check("Vielen Dank für Ihre Geduld. Ihr Paket ist unterwegs.", language="de").findings == []


def test_the_api_starts_without_the_model_and_says_what_it_skipped(tmp_path, analyzer):
    from preflight.http.app import create_app

    rules = tmp_path / "rules"
    rules.mkdir()
    write_pack(rules, model="absent.npz")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'preflight.db'}", "RULES_DIR": str(rules)},
                     checker=Checker.from_directory(rules, analyzer=analyzer))
    key = app.extensions["preflight"].store.create_key("checker", "check")
    answer = app.test_client().post("/v1/check", json={"text": "You are vile scum!", "language": "en"},
                                    headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["verdict"] == "pass"
    assert {"check": "tone/hostile", "reason": "the model 'absent.npz' is not installed"} in body["skipped"]
