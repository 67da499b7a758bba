"""One function checks a post: the text packs, then every other source, the profile once, the verdict once."""
from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time as clock, timezone
from typing import Protocol

from preflight.errors import InputError
from preflight.grouping import one_per_problem
from preflight.matchers.classifier import drop_shadowed
from preflight.packs.titles import engine_titled
from preflight.report import SEVERITY_RANK, Finding, Report, decide_verdict


# The options a post of a catalogue may carry beside its text.
ITEM_OPTIONS = ("language", "platform", "profile", "context")
# A catalogue's publication date, under either name (scheduling tools export one or the other).
ITEM_TIMES = ("scheduled_for", "date")
MAX_TIME_CHARS = 40


def noon_utc(day: date) -> datetime:
    """The moment a publication date alone stands for.

    Noon UTC is that day in every zone from Hawaii to New Zealand: the calendar rules and the live events agree.
    """
    return datetime.combine(day, clock(12), timezone.utc)


def publication_time(value: str) -> tuple[datetime, date]:
    """(moment, calendar day) of an ISO 8601 date (noon UTC that day) or date and time with offset; raises ValueError."""
    text = value.strip() if isinstance(value, str) else ""
    try:
        if len(text) > MAX_TIME_CHARS:
            raise ValueError
        if len(text) == 10:
            day = date.fromisoformat(text)
            return noon_utc(day), day
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO 8601 date (2026-05-04) or date and time with offset "
                         "(2026-05-04T09:30+02:00)") from None
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no UTC offset: the same clock time is another moment in every zone; "
                         f"write e.g. {text}+01:00 or {text}Z")
    return moment, moment.date()


@dataclass(frozen=True)
class Attachment:
    """One image attached to a post, as the editor gave it."""

    data: bytes
    name: str | None = None
    alt: str | None = None


@dataclass(frozen=True)
class Submission:
    """Everything an editor sends about one post; `now` and `today` left None mean the moment of the check.

    A `today` without `now` is a publication date alone: noon UTC that day, as publication_time reads one.
    """

    text: str
    language: str = "auto"
    platform: str | None = None
    profile: str | None = None
    context: str = "post"
    now: datetime | None = None  # when the post goes out: live events and crisis mode
    today: date | None = None  # the editor's calendar day then: the packs' date rules
    images: tuple[Attachment, ...] = ()
    # False checks the whole text in one language, as a rule's examples are written.
    mixed: bool = True
    # The message this post answers, for the reply rules that look at it; never stored unless texts are.
    in_reply_to: str | None = None

    @classmethod
    def from_item(cls, item: dict, defaults: dict) -> Submission:
        """A post of a catalogue (scan, impact preview): its own options where it has them, else `defaults`.

        A post that carries its publication date is checked as of that date; raises InputError for a bad one.
        """
        options = {key: item.get(key) or defaults[key] for key in ITEM_OPTIONS}
        key = next((k for k in ITEM_TIMES if item.get(k)), None)
        if key is not None:
            try:
                options["now"], options["today"] = publication_time(item[key])
            except ValueError as exc:
                raise InputError(f"{key}: {exc}", field=key) from None
        return cls(item["text"], **options, in_reply_to=item.get("in_reply_to") or None)

    def dated(self) -> Submission:
        """The submission with `now` and `today` filled in from the clock where missing."""
        if self.now is not None and self.today is not None:
            return self
        if self.now is not None:
            now = self.now
        elif self.today is not None:
            now = noon_utc(self.today)
        else:
            now = datetime.now(timezone.utc)
        return dataclasses.replace(self, now=now, today=self.today or now.astimezone().date())


@dataclass
class Found:
    """What one source adds to a report: findings before the profile, checks it skipped, packs, image entries."""

    findings: list[Finding] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    packs: list[tuple[str, str]] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Job:
    """A submission being checked: what the text packs decided, for the sources that come after them."""

    submission: Submission
    checker: object  # the Checker: its packs check alt texts and text read from images too
    brand: object | None  # the brand Profile, or None
    language: str  # the post's language, resolved from "auto"
    sentences: list[tuple[int, int, str]]


class Source(Protocol):
    """A kind of check beyond the text packs: grammar, images, crisis mode, live events."""

    def __call__(self, job: Job) -> Found: ...


def check_post(submission: Submission, checker, sources: Sequence[Source] = ()) -> Report:
    """The report of one post; raises InputError for anything the editor must fix."""
    started = time.perf_counter()
    submission = submission.dated()
    brand = checker.validate(submission)
    language, sentences, findings = checker.match(submission, brand)
    job = Job(submission, checker, brand, language, sentences)
    found = Found(findings, skipped=list(checker.skipped), packs=list(checker.packs))
    for source in sources:
        extra = source(job)
        found.findings += extra.findings
        found.skipped += extra.skipped
        found.packs += extra.packs
        found.images += extra.images
    findings = one_per_problem(drop_shadowed(sorted(profiled(engine_titled(found.findings, language), brand),
                                                    key=Finding.sort_key)), sentences)
    verdict = decide_verdict(findings, brand.block_on if brand else "block")
    return Report(verdict, language, findings, found.packs, (time.perf_counter() - started) * 1000, sentences,
                  found.skipped, found.images, submission.now.isoformat(), approval_required(findings, brand))


def approval_required(findings: list[Finding], brand) -> bool:
    """Whether the profile says these findings need an approver's approval instead of an editor's override."""
    if brand is None:
        return False
    block_rank = SEVERITY_RANK[brand.block_on]
    for finding in findings:
        policy = brand.approval_rules.get(finding.rule) or brand.approval_rules.get(finding.pack) or brand.approval_required
        if policy == "never":
            continue
        # "block" follows the profile's own block_on: what makes this brand's verdict block needs an approval.
        if SEVERITY_RANK[finding.severity] >= (block_rank if policy == "block" else SEVERITY_RANK["warning"]):
            return True
    return False


def profiled(findings: list[Finding], brand) -> list[Finding]:
    """The findings after the brand's disabled rules and packs and its severity overrides, whatever their source."""
    if brand is None:
        return findings
    disabled = set(brand.disabled_rules)
    overrides = brand.severity_overrides
    out = []
    for finding in findings:
        if finding.rule in disabled or finding.pack in disabled:
            continue
        severity = overrides.get(finding.rule, finding.severity)
        out.append(finding if severity == finding.severity else dataclasses.replace(finding, severity=severity))
    return out
