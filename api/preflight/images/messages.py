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
        "ai-undisclosed": "The file marks this image as {made} ({field}) and the post does not say so: add a label "
                          "such as “AI-generated” or turn on the platform's AI label.",
        "ai-disclosed": "The file marks this image as {made} ({field}); the post discloses it.",
        "generated": "made with generative AI", "composite": "partly made with generative AI",
        "credentials-missing": "The brand requires Content Credentials from {signers} on every image, and this "
                               "file has none: use the copy exported from the brand's own library.",
        "credentials-untrusted": "This image's Content Credentials are signed by {signer}, which is not among the "
                                 "brand's trusted signers ({signers}): use the copy from the brand's own library.",
        "credentials-tampered": "This image's Content Credentials fail validation ({failure}): the file was changed "
                                "after it was signed. Use the original.",
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
        "ai-undisclosed": "Het bestand markeert deze afbeelding als {made} ({field}) en de post vermeldt dat niet: "
                          "voeg een label toe zoals ‘gemaakt met AI’ of zet het AI-label van het platform aan.",
        "ai-disclosed": "Het bestand markeert deze afbeelding als {made} ({field}); de post vermeldt dat.",
        "generated": "gemaakt met generatieve AI", "composite": "deels gemaakt met generatieve AI",
        "credentials-missing": "Het merk eist bij elke afbeelding Content Credentials van {signers}, en dit bestand "
                               "heeft die niet: gebruik de versie uit de eigen beeldbank van het merk.",
        "credentials-untrusted": "De Content Credentials van deze afbeelding zijn ondertekend door {signer}, die niet "
                                 "bij de vertrouwde ondertekenaars van het merk hoort ({signers}): gebruik de versie "
                                 "uit de eigen beeldbank van het merk.",
        "credentials-tampered": "De Content Credentials van deze afbeelding zijn ongeldig ({failure}): het bestand is "
                                "na het ondertekenen gewijzigd. Gebruik het origineel.",
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
        "ai-undisclosed": "Filen markerer billedet som {made} ({field}), og opslaget oplyser det ikke: tilføj en "
                          "mærkning som »lavet med AI«, eller slå platformens AI-mærkning til.",
        "ai-disclosed": "Filen markerer billedet som {made} ({field}); opslaget oplyser det.",
        "generated": "lavet med generativ AI", "composite": "delvist lavet med generativ AI",
        "credentials-missing": "Brandet kræver Content Credentials fra {signers} på alle billeder, og denne fil har "
                               "ingen: brug kopien fra brandets eget billedbibliotek.",
        "credentials-untrusted": "Billedets Content Credentials er signeret af {signer}, som ikke er blandt brandets "
                                 "betroede underskrivere ({signers}): brug kopien fra brandets eget billedbibliotek.",
        "credentials-tampered": "Billedets Content Credentials er ugyldige ({failure}): filen er ændret efter "
                                "signeringen. Brug originalen.",
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
        "ai-undisclosed": "Filen markerar bilden som {made} ({field}) och inlägget säger det inte: lägg till en "
                          "märkning som ”skapad med AI” eller slå på plattformens AI-märkning.",
        "ai-disclosed": "Filen markerar bilden som {made} ({field}); inlägget anger det.",
        "generated": "skapad med generativ AI", "composite": "delvis skapad med generativ AI",
        "credentials-missing": "Varumärket kräver Content Credentials från {signers} på varje bild, och den här "
                               "filen har inga: använd kopian från varumärkets eget bildbibliotek.",
        "credentials-untrusted": "Bildens Content Credentials är signerade av {signer}, som inte hör till "
                                 "varumärkets betrodda signerare ({signers}): använd kopian från varumärkets eget "
                                 "bildbibliotek.",
        "credentials-tampered": "Bildens Content Credentials är ogiltiga ({failure}): filen har ändrats efter "
                                "signeringen. Använd originalet.",
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
        "ai-undisclosed": "Die Datei kennzeichnet dieses Bild als {made} ({field}), der Beitrag sagt das nicht: "
                          "Fügen Sie einen Hinweis wie „mit KI erstellt“ hinzu oder aktivieren Sie das KI-Label "
                          "der Plattform.",
        "ai-disclosed": "Die Datei kennzeichnet dieses Bild als {made} ({field}); der Beitrag weist darauf hin.",
        "generated": "mit generativer KI erstellt", "composite": "teilweise mit generativer KI erstellt",
        "credentials-missing": "Die Marke verlangt bei jedem Bild Content Credentials von {signers}, und diese "
                               "Datei hat keine: Verwenden Sie die Kopie aus der eigenen Bilddatenbank der Marke.",
        "credentials-untrusted": "Die Content Credentials dieses Bildes sind von {signer} signiert, der nicht zu den "
                                 "vertrauenswürdigen Signierern der Marke gehört ({signers}): Verwenden Sie die Kopie "
                                 "aus der eigenen Bilddatenbank der Marke.",
        "credentials-tampered": "Die Content Credentials dieses Bildes sind ungültig ({failure}): Die Datei wurde nach "
                                "dem Signieren verändert. Verwenden Sie das Original.",
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


def ai_message(language: str, disclosed: bool, composite: bool, field: str) -> str:
    """The message of an image marked as made (or, if `composite`, partly made) with generative AI."""
    words = _TEMPLATES[_language(language)]
    made = words["composite" if composite else "generated"]
    return words["ai-disclosed" if disclosed else "ai-undisclosed"].format(made=made, field=field)


def credentials_message(language: str, kind: str, signers: list[str], signer: str | None = None,
                        failure: str | None = None) -> str:
    """The message of an image without Content Credentials from a trusted signer: kind is missing, untrusted or
    tampered."""
    lang = _language(language)
    quoted = ", ".join(_QUOTES[lang].format(name) for name in signers)
    return _TEMPLATES[lang][f"credentials-{kind}"].format(signers=quoted, signer=_QUOTES[lang].format(signer or "?"),
                                                           failure=failure or "?")
