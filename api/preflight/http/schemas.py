"""Request and response shapes: they validate requests and generate the OpenAPI document."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Language = Literal["auto", "en", "nl", "da", "sv", "de"]
Platform = Literal["x", "threads", "instagram", "linkedin", "facebook", "tiktok"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ImageIn(Strict):
    data: str = Field(description="The image file, base64-encoded.", max_length=32 * 2**20)
    name: str | None = Field(None, max_length=255)
    alt: str | None = Field(None, max_length=5000, description="Alt text, checked like the post.")


class CheckRequest(Strict):
    text: str = Field("", description="The post as the editor typed it (limit: MAX_TEXT_CHARS).")
    language: Language = "auto"
    platform: Platform | None = None
    profile: str | None = Field(None, max_length=100)
    context: Literal["post", "reply"] = "post"
    images: list[ImageIn] = Field(default_factory=list, max_length=20)


class BatchRequest(Strict):
    items: list[dict] = Field(min_length=1, max_length=100, description="Check requests; each is validated on its own.")


class PreviewRequest(Strict):
    rules_dir: str = Field(min_length=1, max_length=4096,
                           description="The proposed rules directory on the server, inside PREFLIGHT_PREVIEW_ROOT (relative paths start there).")
    posts: Literal["audit"] | None = Field(None, description="'audit': the texts stored in the audit trail; "
                                                             "in multipart/form-data, a posts file (JSON Lines or CSV) instead.")
    limit: int = Field(1000, ge=1, le=10_000, description="With 'audit': how many of the most recent stored texts.")
    language: Language = "auto"
    platform: Platform | None = None
    profile: str | None = Field(None, max_length=100)
    context: Literal["post", "reply"] = "post"


class SpanOut(BaseModel):
    start: int
    end: int
    text: str


class FindingOut(BaseModel):
    rule: str
    pack: str
    severity: Literal["info", "warning", "block"]
    message: str
    span: SpanOut
    suggestions: list[str]
    reference: str | None


class PackRef(BaseModel):
    id: str
    version: str


class Skipped(BaseModel):
    check: str
    reason: str


class CheckResponse(BaseModel):
    check_id: str
    verdict: Literal["pass", "warn", "block"]
    language: str
    findings: list[FindingOut]
    packs: list[PackRef]
    elapsed_ms: float
    skipped: list[Skipped]


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
