"""The rule-pack and profile formats, as pydantic models (also the published JSON Schema)."""
from __future__ import annotations

import datetime as dt
import re
import warnings
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from preflight.packs.days import parse_day
from preflight.vocab import Context, Language, Platform, Severity

# A term list under `any` applies in sentences of every language (borrowed English swearing).
TermLanguage = Literal[Language, "any"]
Forms = Literal["inflected", "exact"]
Measure = Literal["exclamations", "caps_ratio", "emoji", "hashtags", "mentions", "length", "sentence_words"]
Check = Literal["phone", "luhn", "card", "iban", "bsn", "cpr", "personnummer", "steuer-id", "ssn"]
ProfileList = Literal["banned", "competitors", "code_names", "substitutions"]
Term = str
ApprovalPolicy = Literal["block", "warn", "never"]
Score = Annotated[float, Field(gt=0, lt=1)]
Thresholds = Union[Score, dict[Union[Language, Literal["default"]], Score]]
KEBAB = r"^[a-z0-9]+(-[a-z0-9]+)*$"
# A two-letter country code (ISO 3166-1 alpha-2), or `global`.
Region = Annotated[str, Field(pattern=r"^([A-Z]{2}|global)$")]
# A one-click replacement takes the place of a term; anything longer rewrites the sentence and is the editor's to write.
REPLACEMENT_WORDS = 3
DOMAIN = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")

MATCHER_KINDS = ("phrase", "lemma", "pattern", "regex", "metric", "all", "any", "not", "consistency", "substitution", "classifier", "event")


# Options that only one kind of matcher reads.
OPTION_KINDS = {"threshold": ("classifier",), "whole_post": ("classifier",), "above": ("metric",), "check": ("regex",),
                "forms": ("phrase", "lemma"), "compound": ("phrase", "lemma")}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class MatchNode(Strict):
    """A matcher: exactly one kind, plus the options that kind takes."""

    phrase: dict[TermLanguage, list[Term]] | None = Field(
        None, description="Terms matched on words, case- and accent-insensitively; `any` lists apply in every language."
    )
    lemma: dict[TermLanguage, list[Term]] | None = Field(None, description="Terms matched on dictionary forms (buys, bought -> buy).")
    pattern: dict[Language, list[list[dict[str, Any]]]] | None = Field(None, description="spaCy Matcher token patterns.")
    regex: str | None = Field(None, description="An RE2 regular expression matched on the original text.")
    metric: Measure | None = Field(None, description="A count or ratio compared with `above`.")
    all: list[MatchNode] | None = Field(None, description="Every matcher holds; the first one's matches are reported.")
    any: list[MatchNode] | None = Field(None, description="At least one matcher holds.")
    not_: MatchNode | None = Field(None, alias="not", description="The matcher does not hold.")
    consistency: dict[Language, dict[str, list[Term]]] | None = Field(None, description="Groups of forms that must not be mixed in one post.")
    substitution: dict[Language, dict[str, str]] | None = Field(None, description="term: preferred replacement.")
    classifier: str | None = Field(
        None, pattern=r"^[A-Za-z0-9_-]+(\.npz)?$",
        description="A learned model that scores each sentence: a model shipped with preflight by name, or a .npz file beside the pack.",
    )
    event: Literal["mention", "anniversary"] | None = Field(
        None, description="The listed events of events/*.yaml: `mention` matches their names and hashtags; `anniversary` "
                          "also their places, only within a day of the anniversary and where they hit (the profile's "
                          "regions, else the post language's). {other} is the event's name, {value} its year.")

    check: Check | None = Field(None, description="With regex: keep only matches whose checksum is valid.")
    ignore_case: bool = Field(True, description="With regex: match regardless of case.")
    above: float | dict[str, float] | None = Field(None, description="With metric: the threshold, or one per platform plus `default`.")
    scope: Literal["post", "sentence"] = Field("post", description="With all/unless: where the matchers must hold together.")
    near: int | None = Field(None, ge=0, le=50, description="With all/unless: within this many tokens.")
    case: Literal["insensitive", "exact"] = Field("insensitive", description="With phrase/consistency: `exact` matches capitalisation too (German 'Sie').")
    obfuscated: bool = Field(False, description="With phrase: also match leetspeak, look-alike letters, separated and stretched letters.")
    threshold: Thresholds | None = Field(
        None, description="With classifier: the score (0-1) at or above which a sentence matches, or one per language plus `default`; "
        "without it, the model's own calibrated threshold per language.",
    )
    whole_post: list[Language] | None = Field(
        None, description="With classifier: in these languages the post's sentences are also scored together as one text, "
        "so hostility spread over several short sentences is found; where only that reaches the threshold, the finding marks "
        "the sentence that scores highest.",
    )
    profile_terms: ProfileList | None = Field(None, description="Add the brand profile's own list to the terms.")
    forms: Forms | None = Field(None, description="With phrase/lemma: `exact` matches only the written form, not its plurals and inflections.")
    compound: Literal["prefix", "suffix", "both"] | None = Field(
        None, description="With phrase/lemma: one-word terms also match as the first (prefix) or last (suffix) part of a compound word."
    )

    @model_validator(mode="after")
    def one_kind(self) -> MatchNode:
        kinds = [k for k in MATCHER_KINDS if getattr(self, "not_" if k == "not" else k) is not None]
        if len(kinds) != 1:
            found = ", ".join(kinds) if kinds else "none"
            raise ValueError(f"a matcher needs exactly one of {', '.join(MATCHER_KINDS)} (found: {found})")
        # An option of another kind would be ignored without a word: the policy owner believes it in force.
        for option in sorted(self.model_fields_set & OPTION_KINDS.keys()):
            if kinds[0] not in OPTION_KINDS[option]:
                raise ValueError(f"'{option}' goes with {' or '.join(OPTION_KINDS[option])}, not with {kinds[0]}: "
                                 f"move it to that matcher or remove it")
        return self

    def kind(self) -> str:
        return next(k for k in MATCHER_KINDS if getattr(self, "not_" if k == "not" else k) is not None)


class Window(Strict):
    start: str = Field(alias="from", description="MM-DD or YYYY-MM-DD")
    end: str = Field(alias="to", description="MM-DD or YYYY-MM-DD")


class When(Strict):
    """When a rule is in force: dates (every year, or one year), a context, platforms, the message answered."""

    dates: list[Union[str, Window]] | None = None
    context: Context | None = None
    platforms: list[Platform] | None = None
    in_reply_to: MatchNode | None = Field(None, description="A matcher that must hold in the message the post answers "
                                                            "(a reply's `in_reply_to`); without one, the rule is not in force.")

    @field_validator("dates")
    @classmethod
    def valid_dates(cls, value):
        for item in value or []:
            for text in (item,) if isinstance(item, str) else (item.start, item.end):
                parse_day(text)
        return value


class ExampleCase(Strict):
    text: str
    context: Context = "post"
    platform: Platform | None = None
    date: dt.date | None = None
    profile: str | None = None
    in_reply_to: str | None = None


Example = Union[str, ExampleCase]


class Examples(Strict):
    """Texts the rule must match, must not match, and known gaps (todo) that do not fail."""

    match: dict[Language, list[Example]] = Field(default_factory=dict)
    no_match: dict[Language, list[Example]] = Field(default_factory=dict)
    todo: dict[Language, list[Example]] = Field(default_factory=dict)


class Rule(Strict):
    id: str = Field(pattern=KEBAB, description="Stable id, kebab-case; never derived from the terms.")
    severity: Severity
    title: dict[Language, str] = Field(
        default_factory=dict,
        description="Per language; a short name for people (\"Health claim\"), shown in cards and reports. Without it, "
        "the English title, else the id read as words (health-claim -> Health claim).",
    )
    message: dict[Language, str] = Field(description="Per language; placeholders {match}, {value}, {limit}, {suggestion}, {other}.")
    suggestions: dict[Language, list[str]] = Field(
        default_factory=dict,
        description="Per language; one-click replacements for the matched words, each a drop-in of the same role "
        "(a term for a term, or \"\" to remove it). Whatever depends on facts only the brand has goes in `guidance`.",
    )
    guidance: dict[Language, list[str]] = Field(
        default_factory=dict,
        description="Per language; instructions shown to the editor (\"Remove the claim, or name the study.\") and never applied to the text.",
    )
    languages: list[Language] | None = Field(None, description="Defaults to the languages the matcher has terms for, or all.")
    note: str | None = Field(None, description="Why the rule exists.")
    reference: str | None = Field(None, description="The law, code or incident behind it.")
    forms: Forms = Field("inflected", description="`exact`: the rule's terms match only as written, not inflected.")
    match: MatchNode
    unless: MatchNode | None = None
    when: When | None = None
    examples: Examples = Field(default_factory=Examples)

    @field_validator("suggestions")
    @classmethod
    def drop_in_replacements(cls, value):
        for language, texts in value.items():
            for text in texts:
                if len(text.split()) > REPLACEMENT_WORDS or text.rstrip().endswith((".", "!", "?")):
                    raise ValueError(
                        f"{language}: {text!r} is not a drop-in replacement for the words found (at most "
                        f"{REPLACEMENT_WORDS} words, not a sentence); put advice to the editor under 'guidance'"
                    )
        return value


class Pack(Strict):
    id: str = Field(pattern=KEBAB)
    title: str
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    owner: str | None = None
    description: str | None = None
    references: list[str] = Field(default_factory=list)
    compound_exceptions: dict[Language, list[Term]] = Field(
        default_factory=dict, description="Words that begin or end like a compound term and are clean ('kankeronderzoek', 'Dickens')."
    )
    rules: list[Rule] = Field(default_factory=list)


class RuleFile(Strict):
    """Extra rule files inside a pack folder hold only rules."""

    rules: list[Rule]


class OwnContacts(Strict):
    """The brand's own contact details, which a post may always give."""

    phones: list[str] = Field(default_factory=list, description="Helplines, written as customers see them ('+31 20 123 4567').")
    email_domains: list[str] = Field(default_factory=list, description="Domains of the brand's addresses ('example.com'); subdomains too.")
    web_domains: list[str] = Field(default_factory=list, description="Domains of the brand's web sites ('example.com'); subdomains too.")

    @field_validator("email_domains", "web_domains")
    @classmethod
    def plain_domains(cls, value):
        for domain in value:
            if not DOMAIN.match(domain):
                raise ValueError(f"{domain!r} is not a domain: write it like example.com, without https:// or @")
        return [d.lower() for d in value]


class ImagePolicy(Strict):
    """What the brand requires of every image attached to a post."""

    require_credentials: bool = Field(
        False, description="Every image must carry valid Content Credentials (C2PA) signed by one of `trusted_signers`."
    )
    trusted_signers: list[str] = Field(
        default_factory=list,
        description="Signers whose Content Credentials are trusted ('Brand DAM'): the organisation or the common name "
        "of the signing certificate, compared without regard to case.",
    )

    @model_validator(mode="after")
    def signers_named(self):
        if self.require_credentials and not self.trusted_signers:
            raise ValueError("require_credentials needs trusted_signers: name the signers whose credentials count")
        return self


class Profile(Strict):
    """A brand's own vocabulary and settings."""

    id: str = Field(pattern=KEBAB)
    name: str
    owner_names: list[str] = Field(default_factory=list, description="How the brand names itself (copyright notices).")
    default_language: Language | None = None
    default_platform: Platform | None = None
    own_contacts: OwnContacts = Field(default_factory=OwnContacts, description="Never flagged as private data.")
    banned: dict[Language, list[Term]] = Field(default_factory=dict)
    substitutions: dict[Language, dict[str, str]] = Field(default_factory=dict)
    competitors: list[Term] = Field(default_factory=list)
    code_names: list[Term] = Field(default_factory=list, description="Confidential until launch.")
    formality: dict[Language, Literal["formal", "informal"]] = Field(
        default_factory=dict, description="Consistency groups named 'formal'/'informal' then flag the other form even alone."
    )
    severity_overrides: dict[str, Severity] = Field(default_factory=dict, description="pack/rule-id: severity")
    disabled_rules: list[str] = Field(default_factory=list)
    thresholds: dict[str, Thresholds] = Field(
        default_factory=dict, description="pack/rule-id of a classifier rule: its threshold for this brand, or one per language plus `default`."
    )
    block_on: Severity = Field("block", description="The lowest severity that makes the verdict block.")
    images: ImagePolicy = Field(default_factory=ImagePolicy, description="Requirements on attached images.")
    regions: list[Region] = Field(
        default_factory=list,
        description="Country codes the brand's readers live in (NL, GB, DK...), home country first: phone numbers without a country "
                    "code are read in these first, and listed events' anniversaries are held where they hit. Default: by the post's language.",
    )
    approval_required: ApprovalPolicy = Field(
        "never", description="Which verdicts need an approver's approval instead of an editor's override: block, warn or never.")
    approval_rules: dict[str, ApprovalPolicy] = Field(
        default_factory=dict, description="pack or pack/rule-id: its own approval_required (a rule's entry before its pack's).")
    approvers: Literal[1, 2] = Field(1, description="How many approvers (other than the requester) must approve.")

    @model_validator(mode="before")
    @classmethod
    def fold_region(cls, data: Any) -> Any:
        """The single `region` of older profiles becomes the first of `regions`, with a warning until it stops loading."""
        if not isinstance(data, dict) or "region" not in data:
            return data
        data = dict(data)
        region = data.pop("region")
        others = data.get("regions")
        if region is not None and (others is None or isinstance(others, list)):
            data["regions"] = [region, *(r for r in others or [] if r != region)]
        written = ", ".join(map(str, data.get("regions") or []))
        warnings.warn(f"profile {data.get('id')!r}: 'region' is deprecated and will stop loading in 1.0; write 'regions: [{written}]' "
                      "(the first region is where phone numbers without a country code are read first)", FutureWarning, stacklevel=2)
        return data


MatchNode.model_rebuild()
When.model_rebuild()


# The listed sensitive events of `events/*.yaml` (see packs/gazetteer.py).
EventKind = Literal["disaster", "terror-attack", "mass-shooting", "war", "pandemic", "storm", "accident"]
# Two-letter country codes (ISO 3166-1 alpha-2), or `global` for events every reader knows.
REGION = re.compile(r"^([A-Z]{2}|global)$")
# A post a day early or late still lands on the anniversary somewhere in its readers' time zones and news.
ANNIVERSARY_DAYS = 1


class ListedEvent(Strict):
    """One tragedy, attack, war, pandemic or storm: the names a post would use for it, its date and where it hit."""

    id: str = Field(pattern=KEBAB, description="Stable id, kebab-case, unique across every events file.")
    kind: EventKind
    date: dt.date = Field(description="The day it happened or began (YYYY-MM-DD): its anniversary.")
    ends: dt.date | None = Field(None, description="The last day, for events that lasted (wars, pandemics).")
    regions: list[str] = Field(min_length=1, description="Country codes it hit (GB, NL, DE...), or `global`.")
    names: dict[Language, list[Term]] = Field(min_length=1, description="Its names as the press of each language writes "
                                                                        "them; English names are matched in every language.")
    hashtags: list[str] = Field(default_factory=list, description="Hashtags it is known by, matched in every language.")
    places: list[Term] = Field(default_factory=list, description="Places named after it ('Utøya'): read as the event on "
                                                                "its anniversary only, since the place has other news.")
    source: str = Field(min_length=3, description="Where the facts come from, e.g. 'Wikipedia (en): Grenfell Tower fire'.")

    @field_validator("regions")
    @classmethod
    def valid_regions(cls, value: list[str]) -> list[str]:
        if "UK" in value:
            raise ValueError("'UK' is not a region: the country code of the United Kingdom is GB")
        bad = [r for r in value if not REGION.match(r)]
        if bad:
            raise ValueError(f"{bad[0]!r} is not a region: write a two-letter country code (GB, NL, DK) or 'global'")
        return value

    @field_validator("hashtags")
    @classmethod
    def valid_hashtags(cls, value: list[str]) -> list[str]:
        bad = [h for h in value if not h.startswith("#") or len(h) < 2 or " " in h]
        if bad:
            raise ValueError(f"{bad[0]!r} is not a hashtag: write it as posted, e.g. '#Grenfell'")
        return value

    def name(self, language: str) -> str:
        """The event's name in a post's language, else in English, else any."""
        listed = self.names.get(language) or self.names.get("en") or next(iter(self.names.values()))
        return listed[0]

    def hit(self, regions: frozenset[str]) -> bool:
        return "global" in self.regions or not regions.isdisjoint(self.regions)

    def anniversary(self, day: dt.date) -> bool:
        """Whether `day` is within a day of the date it happened, in any year since (the day itself included)."""
        if day < self.date - dt.timedelta(days=ANNIVERSARY_DAYS):
            return False
        for year in (day.year - 1, day.year, day.year + 1):
            try:
                then = self.date.replace(year=year)
            except ValueError:  # 29 February in a common year
                then = dt.date(year, 2, 28)
            if abs((then - day).days) <= ANNIVERSARY_DAYS:
                return True
        return False

    @field_validator("ends")
    @classmethod
    def ends_after(cls, value, info):
        start = info.data.get("date")
        if value is not None and start is not None and value < start:
            raise ValueError(f"the event ends ({value}) before it begins ({start})")
        return value


class EventFile(Strict):
    """One file of listed events; policy owners add their own beside the shipped ones."""

    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    description: str | None = None
    events: list[ListedEvent]
