"""The engine as the CLI and the API use it: findings, spans, verdicts, bad input."""
from __future__ import annotations

from datetime import date

import pytest
import yaml

from preflight import InputError
from preflight.errors import UnknownProfileError

from .conftest import RULES, rule_ids


def test_dutch_cure_claim_is_reported_in_dutch_with_exact_spans(checker):
    text = "Onze schoenen genezen gegarandeerd rugpijn! #gezondheid"
    report = checker.check(text)
    assert report.language == "nl"
    by_rule = {f.rule: f for f in report.findings}
    cure = by_rule["misleading-claims/health-claim"]
    assert (cure.span.start, cure.span.end, cure.span.text) == (14, 21, "genezen")
    guarantee = by_rule["misleading-claims/absolute-guarantee"]
    assert text[guarantee.span.start:guarantee.span.end] == "gegarandeerd"
    assert "gegarandeerd" in guarantee.message and "voorwaarden" in guarantee.message
    assert report.verdict == "block"


def test_gender_stereotype_with_hashtag_is_sensitive(checker):
    report = checker.check("Women belong in the kitchen #IWD")
    assert "sensitive-topics/gender-stereotype" in rule_ids(report)
    assert report.verdict == "block"


def test_stereotype_inside_lowercase_hashtag_is_found(checker):
    text = "New pans are here #womenbelonginthekitchen"
    report = checker.check(text, language="en")
    finding = next(f for f in report.findings if f.rule == "sensitive-topics/gender-stereotype")
    assert finding.span.text == "womenbelonginthekitchen"


@pytest.mark.parametrize(
    "variant",
    ["retard", "r3tard", "RETARD", "rеtard", "r.e.t.a.r.d", "r e t a r d", "retaaaard", "re\u200btard", "ｒｅｔａｒｄ"],
)
def test_disguised_slur_is_caught(checker, variant):
    text = f"that was a {variant} move"
    report = checker.check(text, language="en")
    slurs = [f for f in report.findings if f.rule == "offensive-language/slur"]
    assert slurs, variant
    assert text[slurs[0].span.start:slurs[0].span.end] == slurs[0].span.text
    assert report.verdict == "block"


@pytest.mark.parametrize(
    "text,language",
    [
        ("Flame retardant fabric for firefighters", "en"),
        ("Steun het kankeronderzoek van KWF Kankerbestrijding", "nl"),
        ("Shiitake risotto tonight, Dickens reading in Scunthorpe", "en"),
        ("Our fans in Sussex made this assessment", "en"),
        ("Der Schimmel auf dem Foto ist ein Pferd", "de"),
    ],
)
def test_classic_false_positives_stay_quiet(checker, text, language):
    report = checker.check(text, language=language)
    assert not [f for f in report.findings if f.pack == "offensive-language"]


def test_swedish_fan_is_profanity_only_in_swedish(checker):
    assert "offensive-language/strong-profanity" in rule_ids(checker.check("Fan vad bra det blev", language="sv"))
    assert "offensive-language/strong-profanity" not in rule_ids(checker.check("Every fan gets a free scarf", language="en"))


def test_verdict_follows_worst_severity(checker):
    assert checker.check("Lovely weather for a walk in the park today.", language="en").verdict == "pass"
    assert checker.check("Cheap shoes for everyone", language="en").verdict == "pass"  # info only
    assert checker.check("Our cream never fails.", language="en").verdict == "warn"


def test_findings_are_sorted_by_position_then_rule(checker):
    report = checker.check("Guaranteed to cure colds, call +44 20 7946 0958!", language="en")
    keys = [(f.span.start, f.span.end, f.rule) for f in report.findings]
    assert keys == sorted(keys)
    assert len(keys) >= 3


def test_unless_suppresses_a_qualified_claim(checker):
    assert "misleading-claims/absolute-guarantee" not in rule_ids(
        checker.check("Guaranteed delivery before Christmas, terms apply.", language="en")
    )


def test_reply_only_rule_is_silent_in_a_post(checker):
    text = "Calm down, as we already said the parcel is on its way."
    assert "brand-tone/defensive-reply" in rule_ids(checker.check(text, language="en", context="reply"))
    assert "brand-tone/defensive-reply" not in rule_ids(checker.check(text, language="en", context="post"))


def test_dated_rule_is_in_force_only_on_its_day(checker):
    text = "Time to party! 🎉"
    on = checker.check(text, language="en", today=date(2026, 9, 11))
    off = checker.check(text, language="en", today=date(2026, 9, 12))
    assert "sensitive-topics/humour-on-remembrance-day" in rule_ids(on)
    assert "sensitive-topics/humour-on-remembrance-day" not in rule_ids(off)


def test_substitution_suggests_the_preferred_term_in_matching_case(checker):
    report = checker.check("Cheap shoes for everyone", language="en")
    finding = next(f for f in report.findings if f.rule == "brand-tone/preferred-term")
    assert finding.suggestions == ("Affordable",)
    assert "Affordable" in finding.message


def test_profile_vocabulary_and_overrides(checker):
    report = checker.check("Project Kestrel beats Stompers, revolutionary!!!! Wow!", language="en", profile="example")
    ids = rule_ids(report)
    assert "privacy/code-name" in ids
    assert "brand-tone/competitor-mention" in ids
    assert "brand-tone/banned-word" in ids
    overload = next(f for f in report.findings if f.rule == "brand-tone/exclamation-overload")
    assert overload.severity == "warning"  # raised from info by the profile
    assert "privacy/code-name" not in rule_ids(checker.check("Project Kestrel is here", language="en"))


def test_profile_formality_flags_the_other_form_alone(checker):
    text = "Heeft u vragen? Stuur ons een bericht."
    assert "brand-tone/mixed-formality" in rule_ids(checker.check(text, language="nl", profile="example"))
    assert "brand-tone/mixed-formality" not in rule_ids(checker.check(text, language="nl"))


def test_platform_limit_marks_the_part_that_would_be_cut(checker):
    text = "a" * 300
    report = checker.check(text, language="en", platform="x")
    finding = next(f for f in report.findings if f.rule == "brand-tone/over-platform-limit")
    assert finding.span.start == 280 and finding.span.end == 300
    assert "300" in finding.message and "280" in finding.message
    assert "brand-tone/over-platform-limit" not in rule_ids(checker.check(text, language="en", platform="linkedin"))


def test_x_counts_links_as_23_and_emoji_as_2(checker):
    text = "https://example.com/" + "a" * 100 + " " + "b" * 200
    report = checker.check(text, language="en", platform="x")
    assert len(text) > 280
    assert "brand-tone/over-platform-limit" not in rule_ids(report)
    report = checker.check("🎉" * 141, language="en", platform="x")
    finding = next(f for f in report.findings if f.rule == "brand-tone/over-platform-limit")
    assert finding.span.start == 140


def test_urls_mentions_and_emails_are_not_words(checker):
    report = checker.check("See https://example.com/guaranteed and @guaranteed", language="en")
    assert "misleading-claims/absolute-guarantee" not in rule_ids(report)


@pytest.mark.parametrize(
    "text",
    ["", "   \n\t ", "\x00\x01\x02 binary \xff\xfe", "\ud800 lone \udfff surrogates", "مرحبا بالعالم שלום", "😀" * 10_000, "e\u0301\u0301\u0301" * 50],
)
def test_odd_input_gives_a_report_with_valid_spans(checker, text):
    report = checker.check(text)
    assert report.verdict in ("pass", "warn", "block")
    for finding in report.findings:
        assert text[finding.span.start:finding.span.end] == finding.span.text
        assert 0 <= finding.span.start < finding.span.end <= len(text)
    report.to_dict()


def test_oversized_text_is_a_clear_error(checker):
    with pytest.raises(InputError, match="limit is 100,000"):
        checker.check("a" * 1_000_000)


@pytest.mark.parametrize(
    "kwargs,field",
    [({"language": "fr"}, "language"), ({"platform": "myspace"}, "platform"), ({"context": "dm"}, "context")],
)
def test_bad_options_are_input_errors(checker, kwargs, field):
    with pytest.raises(InputError) as caught:
        checker.check("hello", **kwargs)
    assert caught.value.field == field


def test_unknown_profile_names_the_known_ones(checker):
    with pytest.raises(UnknownProfileError, match="example"):
        checker.check("hello", profile="nope")


def test_report_serialises_to_the_wire_contract(checker):
    data = checker.check("Our cream never fails.", language="en").to_dict()
    assert set(data) == {"verdict", "language", "findings", "packs", "elapsed_ms", "skipped", "images", "checked_for",
                         "approval_required"}
    finding = data["findings"][0]
    assert set(finding) == {"rule", "pack", "severity", "title", "message", "span", "suggestions", "guidance", "reference"}
    shipped = yaml.safe_load((RULES / "misleading-claims.yaml").read_text(encoding="utf-8"))["version"]
    assert {"id": "misleading-claims", "version": shipped} in data["packs"]


def test_mixed_post_uses_each_sentence_language_and_the_majority_for_messages(checker):
    text = "Vi glæder os meget til at se jer alle sammen i butikken på lørdag. Guaranteed results, every single time!"
    report = checker.check(text)
    assert report.language == "da"
    assert [lang for _, _, lang in report.sentences] == ["da", "en"]
    finding = next(f for f in report.findings if f.rule == "misleading-claims/absolute-guarantee")
    assert finding.span.text == "Guaranteed"
    assert "lover et resultat" in finding.message  # the editor's language, not the slogan's


@pytest.mark.parametrize("text", ["Cures headaches in minutes.", "CURED my back pain", "This tea cures colds"])
def test_lemma_terms_match_inflections_whatever_the_case(checker, text):
    assert "misleading-claims/health-claim" in rule_ids(checker.check(text, language="en"))


def test_pattern_in_a_sentence_of_another_language_than_the_post(checker):
    text = "Vi glæder os meget til at se jer alle sammen i butikken på lørdag. Up to 70% off everything this weekend!"
    report = checker.check(text, language="da")
    assert [lang for _, _, lang in report.sentences] == ["da", "en"]
    finding = next(f for f in report.findings if f.rule == "misleading-claims/up-to-discount")
    assert finding.span.text.startswith("Up to 70")
