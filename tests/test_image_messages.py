"""The image-copyright messages in the five languages: every kind of finding says what to do, with its dates."""
from __future__ import annotations

from datetime import date

import pytest

from preflight.images.messages import LANGUAGES, ai_message, match_message, notice_message

KINDS = ("restricted", "expired", "expiring", "licensed", "licensed-open")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_kind_names_the_picture_and_its_source_in_each_language(language):
    messages = {kind: match_message(kind, language, "Summer 2023", "Getty 123", date(2027, 3, 31), 5)
                for kind in KINDS}
    assert all("Summer 2023" in m and "Getty 123" in m for m in messages.values())
    assert all("2027-03-31" in messages[k] for k in ("expired", "expiring", "licensed"))
    assert "2027-03-31" not in messages["licensed-open"]
    assert len(set(messages.values())) == len(KINDS)
    assert "{" not in "".join(messages.values())


@pytest.mark.parametrize(("language", "days", "when"), [
    ("en", 0, "ends today"), ("en", 1, "in 1 day"), ("en", 12, "in 12 days"),
    ("nl", 1, "over 1 dag"), ("nl", 12, "over 12 dagen"), ("da", 0, "udløber i dag"), ("da", 12, "om 12 dage"),
    ("sv", 12, "om 12 dagar"), ("de", 1, "in 1 Tag"), ("de", 12, "in 12 Tagen"),
])
def test_an_expiring_licence_says_when_in_words_of_the_language(language, days, when):
    assert when in match_message("expiring", language, "Beach", "Agency X", date(2027, 1, 13), days)


def test_a_language_without_messages_gets_english():
    assert match_message("restricted", "fr", "Beach", "Agency X") == match_message("restricted", "en", "Beach",
                                                                                    "Agency X")
    assert notice_message("xx", "© Jane Doe", "EXIF Artist") == "The file says “© Jane Doe” (EXIF Artist): make " \
                                                                "sure you hold the licence."


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_ai_messages_differ_by_disclosure_and_kind_and_name_the_field(language):
    messages = {ai_message(language, disclosed, composite, "C2PA") for disclosed in (False, True)
                for composite in (False, True)}
    assert len(messages) == 4 and all("(C2PA)" in m and "{" not in m for m in messages)
    assert ai_message(language, False, False, "C2PA") != ai_message("en", False, False, "C2PA") or language == "en"
