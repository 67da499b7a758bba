"""A rule's title, the short name a person reads in cards and reports: the pack's, else one made from its id."""
from __future__ import annotations

import dataclasses
from typing import get_args

from preflight.vocab import Language


def fallback_title(rule: str) -> str:
    """'misleading-claims/health-claim' -> 'Health claim': the rule's own id, read as words."""
    words = rule.rsplit("/", 1)[-1].replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else rule


def title_in(titles: dict[str, str], language: str, rule: str) -> str:
    """The title in `language`, else the English one, else the one made from the id."""
    return titles.get(language) or titles.get("en") or fallback_title(rule)


def titles_of(titles: dict[str, str], rule: str) -> dict[str, str]:
    """The title in every language of the pack format, for pages that speak the reader's language."""
    return {language: title_in(titles, language, rule) for language in get_args(Language)}


# Rules the engine makes itself rather than a pack file (images, crisis mode, live events, LanguageTool's
# categories): their titles for people, so that no card shows an id read as words in English.
ENGINE_TITLES: dict[str, dict[str, str]] = {
    "image-copyright/restricted": {"en": "Restricted image", "nl": "Beperkt beeld", "da": "Begrænset billede",
                                   "sv": "Begränsad bild", "de": "Gesperrtes Bild"},
    "image-copyright/licence-expired": {"en": "Licence expired", "nl": "Licentie verlopen", "da": "Licens udløbet",
                                        "sv": "Licensen har gått ut", "de": "Lizenz abgelaufen"},
    "image-copyright/licence-expiring": {"en": "Licence expiring", "nl": "Licentie verloopt", "da": "Licens udløber snart",
                                         "sv": "Licensen går snart ut", "de": "Lizenz läuft ab"},
    "image-copyright/licensed": {"en": "Licensed image", "nl": "Gelicentieerd beeld", "da": "Licenseret billede",
                                 "sv": "Licensierad bild", "de": "Lizenziertes Bild"},
    "image-copyright/embedded-notice": {"en": "Copyright notice", "nl": "Auteursrechtvermelding", "da": "Ophavsretsmærkning",
                                        "sv": "Upphovsrättsmärkning", "de": "Urheberrechtsvermerk"},
    "image-copyright/ai-generated": {"en": "Unlabelled AI image", "nl": "AI-beeld zonder label", "da": "AI-billede uden mærkning",
                                     "sv": "AI-bild utan märkning", "de": "KI-Bild ohne Hinweis"},
    "image-copyright/ai-generated-disclosed": {"en": "Labelled AI image", "nl": "AI-beeld met label", "da": "Mærket AI-billede",
                                               "sv": "Märkt AI-bild", "de": "KI-Bild mit Hinweis"},
    "image-copyright/untrusted-credentials": {"en": "Untrusted image source", "nl": "Onbetrouwbare beeldbron",
                                              "da": "Ukendt billedkilde", "sv": "Okänd bildkälla", "de": "Unbestätigte Bildquelle"},
    "crisis/publishing-paused": {"en": "Crisis mode", "nl": "Crisismodus", "da": "Krisetilstand", "sv": "Krisläge",
                                 "de": "Krisenmodus"},
    "sensitive-topics/live-event": {"en": "Live event", "nl": "Actuele gebeurtenis", "da": "Aktuel begivenhed",
                                    "sv": "Pågående händelse", "de": "Aktuelles Ereignis"},
    "grammar/spelling": {"en": "Spelling", "nl": "Spelling", "da": "Stavning", "sv": "Stavning", "de": "Rechtschreibung"},
    "grammar/grammar": {"en": "Grammar", "nl": "Grammatica", "da": "Grammatik", "sv": "Grammatik", "de": "Grammatik"},
    "grammar/confused-words": {"en": "Confused words", "nl": "Verwarde woorden", "da": "Forvekslede ord",
                               "sv": "Förväxlade ord", "de": "Verwechselte Wörter"},
    "grammar/meaning": {"en": "Meaning", "nl": "Betekenis", "da": "Betydning", "sv": "Betydelse", "de": "Bedeutung"},
    "grammar/punctuation": {"en": "Punctuation", "nl": "Interpunctie", "da": "Tegnsætning", "sv": "Interpunktion",
                            "de": "Zeichensetzung"},
    "grammar/other": {"en": "Style", "nl": "Stijl", "da": "Stil", "sv": "Stil", "de": "Stil"},
}


def engine_titled(findings: list, language: str) -> list:
    """The findings, each engine-made one without a title given its title in `language`."""
    return [dataclasses.replace(f, title=title_in(ENGINE_TITLES[f.rule], language, f.rule))
            if f.title is None and f.rule in ENGINE_TITLES else f for f in findings]
