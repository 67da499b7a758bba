"""The brand's own contact details in a post: its helpline, addresses and site are not private data."""
from __future__ import annotations

import re

# Where a number written without a country code is read, by the language of its sentence
# (after the brand profile's own regions): the regions where brands writing it post most.
LANGUAGE_REGIONS = {
    "en": ("US", "CA", "GB", "IE"),
    "nl": ("NL", "BE"),
    "da": ("DK",),
    "sv": ("SE", "FI"),
    "de": ("DE", "AT", "CH"),
}
EMAIL = re.compile(r"[\w.%+-]+@((?:[\w-]+\.)+[A-Za-z]{2,})")
# Only the site itself and its www. form are the brand's: "staging.example.com" stays flagged.
WEB = re.compile(r"(?<![\w@.-])(?:https?://)?((?:[\w-]+\.)+[A-Za-z]{2,})(?:/\S*)?", re.IGNORECASE)
MAX_PHONE_MATCHES = 50


def reading_regions(profile, language: str) -> tuple[str, ...]:
    """Regions to read a number without country code in: the brand's, in its order, then its language's."""
    first = tuple(r for r in profile.regions if r != "global") if profile is not None else ()
    return tuple(dict.fromkeys(first + LANGUAGE_REGIONS.get(language, ())))


def own_spans(ctx) -> list[tuple[int, int]]:
    """Spans of the post that are the profile's own contact details (computed once per check)."""
    spans = ctx.cache.get("own_spans")
    if spans is None:
        spans = ctx.cache["own_spans"] = _find_own(ctx.post, ctx.profile)
    return spans


def is_own(ctx, start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in own_spans(ctx))


def _find_own(post, profile) -> list[tuple[int, int]]:
    if profile is None:
        return []
    own = profile.own_contacts
    text = post.text
    spans = []
    if own.email_domains:
        for m in EMAIL.finditer(text):
            if _under(m.group(1).lower(), own.email_domains):
                spans.append(m.span())
    if own.web_domains:
        for m in WEB.finditer(text):
            host = m.group(1).lower()
            if host in own.web_domains or (host.startswith("www.") and host[4:] in own.web_domains):
                spans.append(m.span())
    if own.phones:
        import phonenumbers  # only a profile with phone numbers reads them: a check without one never loads it

        regions = tuple(dict.fromkeys(r for lang in {s[2] for s in post.sentences} | {post.language} for r in reading_regions(profile, lang)))
        numbers = {_e164(p, regions) for p in own.phones} - {None}
        for region in regions:
            matcher = phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE, max_tries=MAX_PHONE_MATCHES)
            for match in matcher:
                if phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164) in numbers:
                    spans.append((match.start, match.end))
    return spans


def _under(domain: str, domains: list[str]) -> bool:
    return any(domain == d or domain.endswith("." + d) for d in domains)


def _e164(written: str, regions: tuple[str, ...]) -> str | None:
    import phonenumbers

    for region in regions or (None,):
        try:
            number = phonenumbers.parse(written, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None
