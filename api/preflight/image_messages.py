"""What the image-copyright findings say, in the editor's language (en, nl, da, sv, de)."""
from __future__ import annotations

from datetime import date

# Each language quotes the way its readers expect.
_QUOTES = {"en": "“{}”", "nl": "‘{}’", "da": "»{}«", "sv": "”{}”", "de": "„{}“"}
_TEMPLATES = {
    "en": {
        "match": "This image matches {label} ({source})",
        "restricted": "{match}, which is registered as restricted: do not post it.",
        "expired": "{match}; its licence expired on {date}: renew it or use another image.",
        "expiring": "{match}; its licence ends {when} ({date}): renew it or plan to take the post down.",
        "licensed": "{match}, licensed until {date}.",
        "licensed-open": "{match}, licensed with no expiry date.",
        "notice": "The file says {text} ({field}): make sure you hold the licence.",
        "today": "today", "one-day": "in 1 day", "days": "in {n} days",
    },
    "nl": {
        "match": "Deze afbeelding komt overeen met {label} ({source})",
        "restricted": "{match}, die als beperkt is geregistreerd: niet plaatsen.",
        "expired": "{match}; de licentie is op {date} verlopen: verleng haar of kies een andere afbeelding.",
        "expiring": "{match}; de licentie loopt {when} af ({date}): verleng haar of plan het verwijderen van de post.",
        "licensed": "{match}, gelicentieerd tot en met {date}.",
        "licensed-open": "{match}, gelicentieerd zonder einddatum.",
        "notice": "Het bestand vermeldt {text} ({field}): controleer of u de licentie hebt.",
        "today": "vandaag", "one-day": "over 1 dag", "days": "over {n} dagen",
    },
    "da": {
        "match": "Billedet svarer til {label} ({source})",
        "restricted": "{match}, som er registreret som begrænset: udgiv det ikke.",
        "expired": "{match}; licensen udløb {date}: forny den, eller brug et andet billede.",
        "expiring": "{match}; licensen udløber {when} ({date}): forny den, eller planlæg at fjerne opslaget.",
        "licensed": "{match}, licenseret til og med {date}.",
        "licensed-open": "{match}, licenseret uden udløbsdato.",
        "notice": "Filen angiver {text} ({field}): sørg for, at I har licensen.",
        "today": "i dag", "one-day": "om 1 dag", "days": "om {n} dage",
    },
    "sv": {
        "match": "Bilden motsvarar {label} ({source})",
        "restricted": "{match}, som är registrerad som begränsad: publicera den inte.",
        "expired": "{match}; licensen gick ut {date}: förnya den eller använd en annan bild.",
        "expiring": "{match}; licensen går ut {when} ({date}): förnya den eller planera att ta ner inlägget.",
        "licensed": "{match}, licensierad till och med {date}.",
        "licensed-open": "{match}, licensierad utan slutdatum.",
        "notice": "Filen anger {text} ({field}): se till att ni har licensen.",
        "today": "i dag", "one-day": "om 1 dag", "days": "om {n} dagar",
    },
    "de": {
        "match": "Dieses Bild entspricht {label} ({source})",
        "restricted": "{match}, das als gesperrt registriert ist: nicht veröffentlichen.",
        "expired": "{match}; die Lizenz ist am {date} abgelaufen: verlängern Sie sie oder nehmen Sie ein anderes Bild.",
        "expiring": "{match}; die Lizenz endet {when} ({date}): verlängern Sie sie oder planen Sie, den Beitrag zu "
                    "entfernen.",
        "licensed": "{match}, lizenziert bis einschließlich {date}.",
        "licensed-open": "{match}, lizenziert ohne Ablaufdatum.",
        "notice": "Die Datei nennt {text} ({field}): Stellen Sie sicher, dass Sie die Lizenz besitzen.",
        "today": "heute", "one-day": "in 1 Tag", "days": "in {n} Tagen",
    },
}
LANGUAGES = tuple(_TEMPLATES)


def _language(language: str) -> str:
    return language if language in _TEMPLATES else "en"


def match_message(kind: str, language: str, label: str, source: str, expires: date | None = None,
                  days: int = 0) -> str:
    """The message of a match: kind is restricted, expired, expiring, licensed or licensed-open."""
    lang = _language(language)
    words = _TEMPLATES[lang]
    match = words["match"].format(label=_QUOTES[lang].format(label), source=source)
    when = words["today"] if days == 0 else words["one-day"] if days == 1 else words["days"].format(n=days)
    return words[kind].format(match=match, date=f"{expires:%Y-%m-%d}" if expires else "", when=when)


def notice_message(language: str, text: str, field: str) -> str:
    """The message of an embedded copyright or credit notice that does not name the brand."""
    lang = _language(language)
    return _TEMPLATES[lang]["notice"].format(text=_QUOTES[lang].format(text), field=field)
