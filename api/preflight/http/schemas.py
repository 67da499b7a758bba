"""Request and response shapes: they validate requests and generate the OpenAPI document."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from preflight.pipeline import MAX_TIME_CHARS, publication_time
from preflight.vocab import Context, Language, Platform, Severity

RequestLanguage = Literal["auto", Language]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ImageIn(Strict):
    data: str = Field(description="The image file, base64-encoded.", max_length=32 * 2**20)
    name: str | None = Field(None, max_length=255)
    alt: str | None = Field(None, max_length=5000, description="Alt text, checked like the post.")


class CheckRequest(Strict):
    text: str = Field("", description="The post as the editor typed it (limit: MAX_TEXT_CHARS).")
    language: RequestLanguage = "auto"
    platform: Platform | None = None
    profile: str | None = Field(None, max_length=100)
    context: Context = "post"
    images: list[ImageIn] = Field(default_factory=list, max_length=20)
    scheduled_for: str | None = Field(
        None, max_length=MAX_TIME_CHARS, examples=["2026-09-11", "2026-09-11T09:30:00+02:00"],
        description="When the post goes out, ISO 8601: a date (checked as of noon UTC that day) or a date and time "
                    "with a UTC offset. Calendar rules, listed and live events and crisis mode are evaluated then. Default: now.")

    in_reply_to: str | None = Field(
        None, description="The post or comment this one answers, for the reply rules (limit: MAX_TEXT_CHARS). "
                          "Read for this check only: never logged, never stored.")

    draft_id: str | None = Field(
        None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$",
        description="The composer session the post comes from (letters, digits, . _ : -), e.g. a random id the client "
                    "makes when an editor starts a post. Reports count a rule once per draft, however often it is re-checked.")

    approval_id: str | None = Field(
        None, max_length=64, description="An approval request (apr_...): the report's `approval` says whether it lets "
                                         "this exact post out (same text, images, platform and profile, approved, unexpired).")

    @field_validator("scheduled_for")
    @classmethod
    def valid_time(cls, value: str | None) -> str | None:
        if value is not None:
            publication_time(value)
        return value


class BatchRequest(Strict):
    items: list[dict] = Field(min_length=1, description="Check requests; each is validated on its own. Up to MAX_BATCH_ITEMS "
                                                          "(413 above), with MAX_BATCH_CHARS characters of text and alt text in all.")


class PreviewRequest(Strict):
    rules_dir: str = Field(min_length=1, max_length=4096,
                           description="The proposed rules directory on the server, inside PREFLIGHT_PREVIEW_ROOT (relative paths start there).")
    posts: Literal["audit"] | None = Field(None, description="'audit': the texts stored in the audit trail; "
                                                             "in multipart/form-data, a posts file (JSON Lines or CSV) instead.")
    limit: int = Field(1000, ge=1, le=10_000, description="With 'audit': how many of the most recent stored texts.")
    language: RequestLanguage = "auto"
    platform: Platform | None = None
    profile: str | None = Field(None, max_length=100)
    context: Context = "post"


class SpanOut(BaseModel):
    start: int
    end: int
    text: str


class BoxOut(BaseModel):
    x: int
    y: int
    width: int
    height: int


class MatchOut(BaseModel):
    reference_id: int
    label: str
    source: str
    status: Literal["restricted", "licensed"]
    similarity: float
    distance: int | None
    license_expires: date | None
    thumbnail: str = Field(description="The reference's thumbnail as a data: URL (image/jpeg).")
    ingredient: str | None = Field(None, description="Only when an ingredient of the image's Content Credentials "
                                                     "matches the reference: that ingredient's title.")


class FindingOut(BaseModel):
    rule: str
    pack: str
    severity: Severity
    title: str = Field(description="The rule's short name for people, in the post's language (the pack's `title`, "
                                   "else made from the rule id).")
    message: str
    span: SpanOut | None = Field(description="Where in the text (the post, the alt text or the OCR text); null for findings about the pixels.")
    suggestions: list[str] = Field(description="Drop-in replacements for the span's words (\"\" removes them), safe to apply with one click.")
    guidance: list[str] = Field([], description="What to do instead, for the editor to read; never applied to the text.")
    reference: str | None
    image: int | None = Field(None, description="Index of the attached image the finding is about; absent for the post's text.")
    source: Literal["image", "alt", "ocr"] | None = None
    box: BoxOut | None = None
    match: MatchOut | None = None
    score: float | None = Field(None, description="A learned check's score of the span (0-1); absent for word rules.")
    details: dict | None = Field(None, description="Why a learned check scored the span so: model, threshold, words that weighed most.")
    spans: list[SpanOut] | None = Field(None, description="Every place of the problem, `span` first: present when one rule fires "
                                                          "several times in one sentence with the same message (one finding, not several).")


class PackRef(BaseModel):
    id: str
    version: str


class Skipped(BaseModel):
    check: str
    reason: str
    image: int | None = None


class ImageErrorOut(BaseModel):
    code: str
    message: str


class IngredientOut(BaseModel):
    title: str | None
    reference_id: int | None = Field(description="The registered reference this ingredient's thumbnail matches.")


class ProvenanceOut(BaseModel):
    signer: str | None = Field(description="Organisation named in the signing certificate.")
    signer_name: str | None = Field(description="Common name of the signing certificate.")
    claim_generator: str | None
    validation: Literal["valid", "trusted", "invalid"]
    tampered: bool = Field(description="The manifest or the pixels it binds fail validation.")
    failures: list[str]
    digital_source_type: str | None
    ingredients: list[IngredientOut]


class ImageEntry(BaseModel):
    index: int
    name: str | None
    format: str | None
    width: int | None
    height: int | None
    error: ImageErrorOut | None = Field(description="Why this image could not be checked; the rest of the request was.")
    note: ImageErrorOut | None = Field(None, description="A check this image was too small or odd for; the others ran.")
    provenance: ProvenanceOut | None = Field(None, description="The image's Content Credentials (C2PA), if any.")


class CrisisPolicyOut(BaseModel):
    publish_anyway: bool = Field(description="Whether this deployment lets a post held by crisis mode go out anyway (with an override).")
    reason_min_chars: int = Field(description="The shortest reason such an override accepts.")


class BindingOut(BaseModel):
    id: str
    state: Literal["pending", "approved", "rejected", "expired"]
    matches: bool = Field(description="The approval lets this exact post out now: the gate may publish even if the verdict is block or warn.")
    approved_by: list[str]
    approved_at: str | None
    expires_at: str
    comment: str | None = Field(description="The last decision's comment.")
    reason: Literal["pending", "rejected", "expired", "text_changed", "images_changed", "platform_changed",
                    "profile_changed", "crisis_team_needed"] | None = Field(description="Why it does not match; null when it does.")


class CheckResponse(BaseModel):
    check_id: str
    verdict: Literal["pass", "warn", "block"]
    language: str
    findings: list[FindingOut]
    packs: list[PackRef]
    elapsed_ms: float
    skipped: list[Skipped]
    images: list[ImageEntry] = Field(default_factory=list, description="One entry per attached image.")
    checked_for: str = Field(description="The publication time the post was checked as of (ISO 8601): `scheduled_for`, or the time of the check.")
    crisis: CrisisPolicyOut | None = Field(None, description="Present when crisis mode holds the post: what the editor may do.")
    approval_required: bool = Field(description="The profile says this post needs an approver's approval "
                                                "(POST /v1/approvals) instead of an editor's override.")
    approval: BindingOut | None = Field(None, description="Present when the request named an approval_id.")


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list


class ErrorResponse(BaseModel):
    error: ErrorBody


class BatchItem(BaseModel):
    index: int
    result: CheckResponse | None = None
    error: ErrorBody | None = None


class BatchResponse(BaseModel):
    items: list[BatchItem]


class RuleOut(BaseModel):
    id: str
    severity: str
    languages: list[str]
    message: dict[str, str]
    reference: str | None


class PackOut(BaseModel):
    id: str
    title: str
    version: str
    owner: str | None
    description: str | None
    rules: int


class PackDetail(PackOut):
    references: list[str]
    rule_list: list[RuleOut]


class PacksResponse(BaseModel):
    packs: list[PackOut]


class ProfileOut(BaseModel):
    id: str
    name: str
    default_language: str | None
    default_platform: str | None


class ProfilesResponse(BaseModel):
    profiles: list[ProfileOut]


class ReloadResponse(BaseModel):
    reloaded: bool
    packs: list[PackRef]
    problems: list[str]


ReferenceStatus = Literal["restricted", "licensed"]
REFERENCE_ID_MAX = 2**31 - 1


class ReferenceForm(Strict):
    """The form fields of POST /v1/images/references (the file comes as `file`)."""

    label: str = Field(min_length=1, max_length=200)
    source: str | None = Field(None, min_length=1, max_length=500,
                               description="Where it comes from, e.g. 'Getty Images 123456'; if left out, "
                                           "'source not given' is stored and the response says so in `assumed`.")
    status: ReferenceStatus | None = Field(None, description="Default: restricted (the response says so in `assumed`).")
    license_expires: date | None = Field(None, description="The last day of the licence (YYYY-MM-DD).")
    notes: str | None = Field(None, max_length=5000)


class ReferencePatch(Strict):
    label: str | None = Field(None, min_length=1, max_length=200)
    source: str | None = Field(None, min_length=1, max_length=500)
    status: ReferenceStatus | None = None
    license_expires: date | None = None
    notes: str | None = Field(None, max_length=5000)


class ReferenceOut(BaseModel):
    id: int
    label: str
    source: str
    status: ReferenceStatus
    license_expires: date | None
    notes: str | None
    created_by: str
    created_at: str
    updated_at: str
    sha256: str
    thumbnail_url: str
    assumed: dict[str, str] | None = Field(None, description="Only in the answer to a registration: the fields it "
                                                             "left out and the value assumed for each.")


class ReferencesResponse(BaseModel):
    references: list[ReferenceOut]
    total: int
    limit: int
    offset: int


class ApprovalRequest(Strict):
    check_id: str | None = Field(None, max_length=64, description="An earlier check made with this key (its text must "
                                                                   "be stored: PREFLIGHT_STORE_TEXT); or send `submission`.")
    submission: CheckRequest | None = Field(None, description="The post, as for POST /v1/check: checked on the spot.")
    note: str = Field("", max_length=1000, description="For the approvers: why the post should go out.")
    expires_in_hours: int | None = Field(None, ge=1, le=168, description="Default: APPROVAL_TTL_HOURS (24).")


class DecisionRequest(Strict):
    decision: Literal["approve", "reject"]
    comment: str = Field("", max_length=2000)
    text: str | None = Field(None, description="An edited text to approve instead: checked again, refused when it blocks.")
    add_to_statements: bool = Field(False, description="During crisis mode: add the approved text to the approved statements.")


class DecisionOut(BaseModel):
    by: str
    decision: Literal["approve", "reject"]
    comment: str
    at: str


class ApprovalOut(BaseModel):
    id: str
    state: Literal["pending", "approved", "rejected", "expired"]
    text: str = Field(description="The exact text approved; kept, like the audit trail, until PREFLIGHT_AUDIT_RETENTION_DAYS.")
    language: str
    platform: str | None
    profile: str | None
    image_hashes: list[str] = Field(description="SHA-256 of each attached image file, in order.")
    findings: list[FindingOut]
    verdict: Literal["warn", "block"]
    note: str
    requested_by: str
    requested_at: str
    expires_at: str
    decided_at: str | None
    approvers_needed: Literal[1, 2]
    decisions: list[DecisionOut]
    crisis: bool = Field(description="Crisis mode held the post: only a key on the crisis team may approve it.")


class ApprovalsPage(BaseModel):
    approvals: list[ApprovalOut] = Field(description="Newest first.")
    next_cursor: str | None


class CrisisTeamRequest(Strict):
    keys: list[str] = Field(max_length=100, description="Names of the keys whose approval lets a post out during a crisis.")


class DeliveryOut(BaseModel):
    id: int
    event: Literal["created", "decided", "expired"]
    approval_id: str
    url: str
    format: Literal["slack", "teams", "json"]
    status: Literal["pending", "retrying", "delivered", "failed"]
    attempts: int
    last_error: str | None
    created_at: str
    updated_at: str


class DeliveriesResponse(BaseModel):
    deliveries: list[DeliveryOut] = Field(description="Newest first.")
