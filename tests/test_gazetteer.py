"""The listed sensitive events shipped with the packs: mentions that sell, jokes on anniversaries, the data itself."""
from __future__ import annotations

import shutil
from datetime import date

import pytest

from preflight import Checker
from preflight.errors import PackError
from preflight.packs.model import ListedEvent
from preflight.packs.load import load_rules
from preflight.pipeline import Submission, check_post

from .conftest import RULES, rule_ids

ANNIVERSARY = "sensitive-topics/listed-event-anniversary"
SALES = "sensitive-topics/listed-event-newsjacking"
JOKE = "Hurricane Katrina was 20 years ago and our umbrellas still rule 😂"
REGIONS = {"GB", "IE", "US", "NL", "BE", "DK", "SE", "DE", "AT", "CH"}
# Events the brief of the gazetteer names: every reader of the five languages knows them.
KNOWN = {"september-11-attacks", "norway-attacks-2011", "mh17", "indian-ocean-tsunami-2004", "covid-19-pandemic",
         "russian-invasion-of-ukraine", "hurricane-katrina", "grenfell-tower-fire", "christchurch-mosque-shootings",
         "ms-estonia", "enschede-fireworks-disaster", "bijlmer-disaster", "breitscheidplatz-attack", "hanau-shootings",
         "drottninggatan-attack", "copenhagen-shootings-2015"}


def auth(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def at(checker, text: str, language: str, day: date, profile: str | None = None):
    return rule_ids(check_post(Submission(text, language, profile=profile, today=day), checker))


def test_a_joke_about_a_listed_event_warns_on_its_anniversary_and_not_a_month_later(checker):
    assert ANNIVERSARY in at(checker, JOKE, "en", date(2025, 8, 29))
    assert ANNIVERSARY in at(checker, JOKE, "en", date(2031, 8, 30))  # a day late still reads as the day
    assert ANNIVERSARY not in at(checker, JOKE, "en", date(2025, 9, 29))
    assert ANNIVERSARY not in at(checker, JOKE, "en", date(2025, 8, 31))


def test_the_warning_names_the_event_and_its_year(checker):
    report = check_post(Submission(JOKE, "en", today=date(2025, 8, 29)), checker)
    finding = next(f for f in report.findings if f.rule == ANNIVERSARY)
    assert finding.span.text == "Hurricane Katrina" and finding.severity == "warning"
    assert "anniversary of Hurricane Katrina (2005)" in finding.message


def test_a_respectful_mention_on_the_anniversary_is_quiet(checker):
    for text, language, day in [("Twenty years after Hurricane Katrina, we remember the people of New Orleans.", "en", date(2025, 8, 29)),
                                ("Vandaag herdenken we de slachtoffers van de vuurwerkramp in Enschede.", "nl", date(2026, 5, 13)),
                                ("Vi mindes ofrene for terrorangrebet på Krudttønden.", "da", date(2026, 2, 14)),
                                ("Wir gedenken der Opfer des Anschlags von Hanau.", "de", date(2026, 2, 19))]:
        assert not {ANNIVERSARY, SALES} & set(at(checker, text, language, day)), text


def test_a_listed_event_tied_to_a_sale_blocks_on_any_day(checker):
    report = check_post(Submission("Remember the Grenfell fire with 20% off smoke alarms, shop now!", "en",
                                   today=date(2026, 3, 3)), checker)
    assert report.verdict == "block" and SALES in rule_ids(report)


def test_the_anniversary_counts_where_the_event_hit(checker, tmp_path):
    text = "Breitscheidplatz? Vi fejrer dagen med kage 🎉"
    assert ANNIVERSARY not in at(checker, text, "da", date(2026, 12, 19))
    assert ANNIVERSARY in at(checker, "Breitscheidplatz? Wir feiern trotzdem 🎉", "de", date(2026, 12, 19))
    # A brand whose readers are in Germany says so in its profile, whatever language it posts in.
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    (rules / "profiles" / "berlin.yaml").write_text("id: berlin\nname: Berlin shop\nregions: [DE]\n", encoding="utf-8")
    berlin = Checker.from_directory(rules, analyzer=checker.analyzer)
    assert ANNIVERSARY in at(berlin, text, "da", date(2026, 12, 19), profile="berlin")


def test_a_scan_file_is_checked_at_each_posts_date(checker):
    defaults = {"language": "en", "platform": None, "profile": None, "context": "post"}
    verdicts = [check_post(Submission.from_item({"text": JOKE, "date": day}, defaults), checker).verdict
                for day in ("2025-08-29", "2025-09-29")]
    assert verdicts == ["warn", "pass"]


def test_the_api_checks_the_anniversary_of_the_publication_day(client, keys):
    def verdict(day):
        return client.post("/v1/check", json={"text": JOKE, "language": "en", "scheduled_for": day},
                           headers=auth(keys["check"])).get_json()["verdict"]
    assert verdict("2030-08-29T10:00:00-05:00") == "warn" and verdict("2030-09-29T10:00:00-05:00") == "pass"


@pytest.mark.parametrize("day,expected", [(date(2024, 2, 28), True), (date(2025, 2, 28), True), (date(2025, 3, 1), True),
                                          (date(2025, 3, 2), False), (date(2000, 2, 29), True), (date(1999, 2, 28), False)])
def test_a_leap_day_event_has_an_anniversary_every_year(day, expected):
    event = ListedEvent(id="leap", kind="storm", date=date(2000, 2, 29), regions=["GB"], names={"en": ["Storm Leap"]},
                        source="test")
    assert event.anniversary(day) is expected


def test_the_shipped_gazetteer(checker):
    gazetteer = checker.ruleset.gazetteer
    events = [entry.event for entry in gazetteer.entries]
    assert len(events) >= 300
    assert KNOWN <= {e.id for e in events}
    for region in REGIONS:
        assert sum(region in e.regions for e in events) >= 10, region
    for event in events:
        assert event.source.startswith("Wikipedia ("), event.id
        assert event.ends is None or event.ends >= event.date
        assert date(1850, 1, 1) < event.date <= date.today(), event.id
    assert all(version for _, version in gazetteer.files)


def test_mistakes_in_an_events_file_are_reported_where_they_are(tmp_path, analyzer):
    (tmp_path / "events").mkdir()
    (tmp_path / "events" / "mine.yaml").write_text(
        "version: 1.0.0\nevents:\n"
        "  - {id: storm-a, kind: storm, date: 2024-02-30, regions: [GB], names: {en: [Storm A]}, source: x y z}\n"
        "  - {id: storm-b, kind: storm, date: 2024-02-01, regions: [UK], names: {en: [Storm B]}, source: x y z}\n"
        "  - {id: storm-c, kind: tornado, date: 2024-02-01, regions: [GB], names: {en: [Storm C]}, source: x y z}\n"
        "  - {id: storm-d, kind: storm, date: 2024-02-01, regions: [GB], names: {en: [Storm D]}}\n", encoding="utf-8")
    with pytest.raises(PackError) as exc:
        load_rules(tmp_path, analyzer)
    found = [str(p).replace(str(tmp_path / "events" / "mine.yaml"), "mine.yaml") for p in exc.value.problems]
    assert any(p.startswith("mine.yaml:3:") and "'date'" in p for p in found), found
    assert any(p.startswith("mine.yaml:4:") and "'UK' is not a region" in p for p in found), found
    assert any(p.startswith("mine.yaml:5:") and "'kind'" in p for p in found), found
    assert any(p.startswith("mine.yaml:6:") and "Missing the required 'source' key." in p for p in found), found


def test_a_policy_owner_adds_an_event_and_duplicates_are_refused(tmp_path, analyzer):
    (tmp_path / "events").mkdir()
    entry = "  - {id: our-fire, kind: disaster, date: 2019-05-02, regions: [NL], names: {nl: [brand in de fabriek]}, source: own records}\n"
    (tmp_path / "events" / "a.yaml").write_text("version: 1.0.0\nevents:\n" + entry, encoding="utf-8")
    ruleset = load_rules(tmp_path, analyzer)
    assert [e.event.id for e in ruleset.gazetteer.entries] == ["our-fire"]
    (tmp_path / "events" / "b.yaml").write_text("version: 1.0.0\nevents:\n" + entry, encoding="utf-8")
    with pytest.raises(PackError, match=r"b\.yaml:3:\d+: duplicate event id 'our-fire'"):
        load_rules(tmp_path, analyzer)
