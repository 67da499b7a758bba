"""The checks of a post's attached images: registered references, embedded notices, alt text, text in the pixels."""
from __future__ import annotations

import base64
import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from .errors import InputError
from .image_messages import match_message, notice_message
from .image_registry import decode_comparable
from .images.decode import MAX_REQUEST_DECODED_PIXELS, DecodedImage, PixelBudget
from .images.errors import ImageError, OcrTimeout, OcrUnavailable
from .images.fingerprint import query_fingerprint
from .images.index import ImageMatch, ReferenceIndex
from .images.metadata import copyright_notices, names_owner
from .images.ocr import likely_has_text, read_text
from .report import Box, Finding, Report, decide_verdict

PACK = "image-copyright"
RESTRICTED = f"{PACK}/restricted"
LICENCE_EXPIRED = f"{PACK}/licence-expired"
LICENCE_EXPIRING = f"{PACK}/licence-expiring"
LICENSED = f"{PACK}/licensed"
EMBEDDED_NOTICE = f"{PACK}/embedded-notice"
EXPIRING_DAYS = 30
# More matches for one attachment say nothing new to the editor.
MAX_MATCHES = 3


@dataclass(frozen=True)
class ImageLimits:
    max_bytes: int
    max_pixels: int
    ocr_seconds: float
    max_request_pixels: int = MAX_REQUEST_DECODED_PIXELS


@dataclass(frozen=True)
class Attached:
    """One attachment as the request gave it."""

    data: bytes
    name: str | None = None
    alt: str | None = None


@dataclass
class ImageChecks:
    """Findings about the attachments, checks that could not run, and one entry per attachment."""

    findings: list[Finding] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    elapsed_ms: float = 0.0


Lookup = Callable[[set[int]], dict]


def check_images(images: list[Attached], *, checker, index: ReferenceIndex, lookup: Lookup, limits: ImageLimits,
                 language: str, platform: str | None, profile: str | None, context: str, post_language: str,
                 today: date | None = None) -> ImageChecks:
    """Check each attachment on its own: a bad one gets an error entry and the others are still checked.

    `lookup(ids)` gives {id: (ImageReference, thumbnail JPEG)} for the references that still exist.
    """
    started = time.perf_counter()
    today = today or date.today()
    brand = checker.ruleset.profiles.get(profile) if profile else None
    text_options = {"language": language, "platform": platform, "profile": profile, "context": context, "today": today}
    editor_language = language if language != "auto" else post_language
    out = ImageChecks()
    budget = PixelBudget(limits.max_request_pixels)
    for number, attached in enumerate(images):
        entry = {"index": number, "name": attached.name, "format": None, "width": None, "height": None, "error": None}
        out.images.append(entry)
        if attached.alt and attached.alt.strip():
            out.findings += [dataclasses.replace(f, image=number, source="alt")
                             for f in checker.check(attached.alt, **text_options).findings]
        try:
            decoded = decode_comparable(attached.data, max_bytes=limits.max_bytes, max_pixels=limits.max_pixels,
                                         budget=budget)
        except ImageError as exc:
            entry["error"] = {"code": exc.code, "message": str(exc)}
            continue
        width, height = upright_size(decoded)
        entry.update(format=decoded.format, width=width, height=height)
        found = [*match_findings(number, matches(decoded, index), lookup, today, editor_language),
                 *notice_findings(number, decoded, brand.owner_names if brand else [], editor_language)]
        out.findings += [f for f in (profiled(f, brand) for f in found) if f is not None]
        out.findings += ocr_findings(number, decoded, checker, text_options, editor_language, limits, out.skipped)
    out.elapsed_ms = (time.perf_counter() - started) * 1000
    return out


def upright_size(decoded: DecodedImage) -> tuple[int, int]:
    """The image's full size as displayed: EXIF orientations 5 to 8 turn it a quarter."""
    turned = decoded.exif is not None and decoded.exif.get(0x0112) in (5, 6, 7, 8)
    return (decoded.height, decoded.width) if turned else (decoded.width, decoded.height)


def matches(decoded: DecodedImage, index: ReferenceIndex) -> list[ImageMatch]:
    """The best match per reference over the first frame and the sampled frames of an animation."""
    best: dict[int, ImageMatch] = {}
    if not index.len():
        return []  # nothing registered: spare the fingerprint
    for frame in decoded.frames or (decoded.image,):
        for match in index.search(query_fingerprint(frame)):
            if match.ref_id not in best or match.similarity > best[match.ref_id].similarity:
                best[match.ref_id] = match
    return sorted(best.values(), key=lambda m: (-m.similarity, m.ref_id))


def match_findings(number: int, found: list[ImageMatch], lookup: Lookup, today: date,
                   language: str) -> list[Finding]:
    if not found:
        return []
    # A reference deleted since the index was refreshed is not in the lookup, so it is not reported.
    stored = lookup({m.ref_id for m in found})
    out = []
    for match in [m for m in found if m.ref_id in stored][:MAX_MATCHES]:
        reference, thumbnail = stored[match.ref_id]
        rule, severity, message = licence_verdict(reference, today, language)
        wire = {"reference_id": reference.id, "label": reference.label, "source": reference.source,
                "status": reference.status, "similarity": match.similarity, "distance": match.distance,
                "license_expires": reference.license_expires.isoformat() if reference.license_expires else None,
                "thumbnail": "data:image/jpeg;base64," + base64.b64encode(thumbnail).decode("ascii")}
        out.append(Finding(rule, PACK, severity, message, None, image=number, source="image", match=wire))
    return out


def licence_verdict(reference, today: date, language: str) -> tuple[str, str, str]:
    """(rule, severity, message) for an attachment that is a near-duplicate of `reference`."""
    def says(kind: str, days: int = 0) -> str:
        return match_message(kind, language, reference.label, reference.source, reference.license_expires, days)

    if reference.status == "restricted":
        return RESTRICTED, "block", says("restricted")
    expires = reference.license_expires
    if expires is None:
        return LICENSED, "info", says("licensed-open")
    days = (expires - today).days
    if days < 0:
        return LICENCE_EXPIRED, "block", says("expired")
    if days <= EXPIRING_DAYS:
        return LICENCE_EXPIRING, "warning", says("expiring", days)
    return LICENSED, "info", says("licensed")


def notice_findings(number: int, decoded: DecodedImage, owner_names: list[str],
                    language: str) -> list[Finding]:
    out, seen = [], set()
    for notice in copyright_notices(decoded):
        if names_owner(notice, owner_names) or notice.text in seen:
            continue
        seen.add(notice.text)
        out.append(Finding(EMBEDDED_NOTICE, PACK, "warning", notice_message(language, notice.text, notice.field), None,
                           image=number, source="image"))
    return out


def profiled(finding: Finding, brand) -> Finding | None:
    """The profile's severity override or disabling applied, as for the text packs."""
    if brand is None:
        return finding
    if finding.rule in brand.disabled_rules or finding.pack in brand.disabled_rules:
        return None
    severity = brand.severity_overrides.get(finding.rule)
    return dataclasses.replace(finding, severity=severity) if severity else finding


def ocr_findings(number: int, decoded: DecodedImage, checker, text_options: dict, language: str,
                 limits: ImageLimits, skipped: list[dict]) -> list[Finding]:
    """Text packs over the words read from the pixels, when the image likely carries lettering."""
    if not likely_has_text(decoded.image):
        return []
    try:
        read = read_text(decoded.image, list(dict.fromkeys([language, "en"])), limits.ocr_seconds)
    except OcrUnavailable as exc:
        if not any(s["check"] == "ocr" and "image" not in s for s in skipped):
            skipped.append({"check": "ocr", "reason": str(exc)})
        return []
    except OcrTimeout as exc:
        skipped.append({"check": "ocr", "image": number, "reason": str(exc)})
        return []
    if not read.text.strip():
        return []
    try:
        report = checker.check(read.text, **text_options)
    except InputError as exc:
        skipped.append({"check": "ocr", "image": number, "reason": str(exc)})
        return []
    # Large JPEGs are decoded at a reduced scale: boxes are given in the full image's pixels.
    scale = upright_size(decoded)[0] / decoded.image.width
    out = []
    for finding in report.findings:
        box = read.box_for(finding.span.start, finding.span.end) if finding.span is not None else None
        box = Box(*(round(v * scale) for v in box)) if box else None
        out.append(dataclasses.replace(finding, image=number, source="ocr", box=box))
    return out


def with_images(report: Report, checks: ImageChecks, block_on: str) -> Report:
    """The post's report with the image findings merged in and the verdict taken over all of them."""
    findings = sorted(report.findings + checks.findings, key=Finding.sort_key)
    return dataclasses.replace(report, findings=findings, verdict=decide_verdict(findings, block_on),
                               elapsed_ms=report.elapsed_ms + checks.elapsed_ms)

