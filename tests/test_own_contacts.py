"""The brand's own contact details pass; national phone formats and US social security numbers are found."""
from __future__ import annotations

import shutil

import pytest
from pydantic import ValidationError

from preflight import Checker
from preflight.matchers.validators import phone, ssn
from preflight.packs.model import Profile

from .conftest import RULES

PROFILE = """
id: brand
name: Brand
regions: [NL]
own_contacts:
  phones: ["+31 20 794 6000"]
  email_domains: [brand.nl]
  web_domains: [brand.nl]
"""


@pytest.fixture(scope="module")
def privacy(analyzer, tmp_path_factory):
    root = tmp_path_factory.mktemp("rules")
    shutil.copy(RULES / "privacy.yaml", root / "privacy.yaml")
    (root / "profiles").mkdir()
    (root / "profiles" / "brand.yaml").write_text(PROFILE, encoding="utf-8")
    (root / "profiles" / "pl-brand.yaml").write_text("id: pl-brand\nname: PL Brand\nregions: [PL, global]\n", encoding="utf-8")
    return Checker.from_directory(root, analyzer=analyzer)


def flagged(checker, text, language, profile=None, context="reply"):
    report = checker.check(text, language=language, profile=profile, context=context)
    return [(f.rule.split("/")[1], f.span.text) for f in report.findings]


def test_the_brands_own_helpline_passes_in_any_writing(privacy):
    for text in ("Gerust bellen: 020 794 6000.", "Bel +31 20 794 6000 voor hulp.", "Bel 020-7946000."):
        assert flagged(privacy, text, "nl", "brand") == []
        assert [r for r, _ in flagged(privacy, text, "nl")] == ["phone-number"]


def test_another_number_beside_the_helpline_is_still_flagged(privacy):
    text = "Bel ons op 020 794 6000, of mevrouw op 06 12345678."
    assert flagged(privacy, text, "nl", "brand") == [("phone-number", "06 12345678")]


def test_a_number_offered_as_the_brands_own_passes_without_a_profile(privacy):
    # "bel ons op" introduces the brand's helpline; the person's number after it is still flagged.
    text = "Bel ons op 020 794 6000, of mevrouw op 06 12345678."
    assert flagged(privacy, text, "nl") == [("phone-number", "06 12345678")]
    assert [r for r, _ in flagged(privacy, "We hebben uw nummer 06 12345678, bel ons als er iets verandert.", "nl")] == ["phone-number"]


def test_addresses_of_the_brands_domains_pass(privacy):
    assert flagged(privacy, "Mail jan.devries@brand.nl of klantenservice@service.brand.nl", "nl", "brand") == []
    assert flagged(privacy, "Mail jan.devries@gmail.com", "nl", "brand") == [("email-address", "jan.devries@gmail.com")]


def test_the_brands_site_passes_but_its_staging_host_does_not(privacy):
    assert flagged(privacy, "Bekijk https://www.brand.nl/sale", "nl", "brand") == []
    assert [r for r, _ in flagged(privacy, "Zie https://staging.brand.nl/sale", "nl", "brand")] == ["internal-url"]


@pytest.mark.parametrize("text, language", [
    ("Call Dana back on (416) 555-0199.", "en"),  # Canada, no country code
    ("Frau Huber erreichen Sie unter 0664 1234567.", "de"),  # Austria
    ("Mevrouw is bereikbaar op 0470 12 34 56.", "nl"),  # Belgium
    ("Ring Anna på 040 123 4567.", "sv"),  # Finland
])
def test_national_formats_of_the_languages_regions_are_phone_numbers(privacy, text, language):
    assert [r for r, _ in flagged(privacy, text, language, context="post")] == ["phone-number"]


def test_the_profiles_region_is_tried_first():
    assert phone("(613) 555-0123", ("CA",))
    assert not phone("(613) 555-0123", ())


def test_a_local_number_is_read_in_the_profiles_regions(privacy):
    text = "Call Anna back on 512 345 678."
    assert [r for r, _ in flagged(privacy, text, "en", "pl-brand", context="post")] == ["phone-number"]
    assert flagged(privacy, text, "en", context="post") == []


def test_an_older_profiles_single_region_still_loads_as_its_first_region(analyzer, tmp_path):
    shutil.copy(RULES / "privacy.yaml", tmp_path / "privacy.yaml")
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "old.yaml").write_text("id: old\nname: Old\nregion: PL\nregions: [SE]\n", encoding="utf-8")
    with pytest.warns(FutureWarning, match=r"write 'regions: \[PL, SE\]'"):
        checker = Checker.from_directory(tmp_path, analyzer=analyzer)
    assert checker.ruleset.profiles["old"].regions == ["PL", "SE"]
    assert [r for r, _ in flagged(checker, "Call Anna back on 512 345 678.", "en", "old", context="post")] == ["phone-number"]


def test_digits_not_grouped_as_a_phone_number_stay_numbers():
    assert not phone("12-345-678", ("DK",))
    assert not phone("1.299.000", ("NL", "BE"))


@pytest.mark.parametrize("number, valid", [
    ("536-22-4187", True),
    ("000-12-3456", False),  # area 000 is never assigned
    ("666-12-3456", False),
    ("912-12-3456", False),  # 900-999: never assigned as an SSN
    ("536-00-4187", False),
    ("536-22-0000", False),
    ("078-05-1120", False),  # printed in a wallet advert and voided
])
def test_social_security_numbers_follow_the_ssa_rules(number, valid):
    assert ssn(number) is valid


def test_a_social_security_number_is_a_national_id(privacy):
    assert flagged(privacy, "We have your SSN as 536-22-4187.", "en", context="post") == [("national-id", "536-22-4187")]


def test_own_domains_must_be_plain_domains():
    with pytest.raises(ValidationError, match="is not a domain"):
        Profile.model_validate({"id": "x", "name": "X", "own_contacts": {"web_domains": ["https://x.com"]}})
