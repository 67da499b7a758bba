"""The checks of a post's attached images: registered references, embedded notices, alt text, text in the pixels."""
from __future__ import annotations

import base64
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
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
from .pipeline import Found, Job
from .report import Box, Finding

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


Lookup = Callable[[set[int]], dict]


class ImageSource:
    """The attachments of a post, each checked on its own: a bad one gets an error entry, the others are still checked.

    `loaded.index` is the references' search index as last refreshed; `lookup(ids)` gives
    {id: (ImageReference, thumbnail JPEG)} for the references that still exist.
    """

    def __init__(self, loaded, lookup: Lookup, limits: ImageLimits) -> None:
        self.loaded = loaded
        self.lookup = lookup
        self.limits = limits

    def __call__(self, job: Job) -> Found:
        post, brand = job.submission, job.brand
        # The messages and OCR are in the editor's language, else the post's.
        language = post.language if post.language != "auto" else job.language
        out = Found()
        budget = PixelBudget(self.limits.max_request_pixels)
        for number, attached in enumerate(post.images):
            entry = {"index": number, "name": attached.name, "format": None, "width": None, "height": None, "error": None}
            out.images.append(entry)
            if attached.alt and attached.alt.strip():
                out.findings += [dataclasses.replace(f, image=number, source="alt")
                                 for f in text_findings(job, attached.alt)]
            try:
                decoded = decode_comparable(attached.data, max_bytes=self.limits.max_bytes, max_pixels=self.limits.max_pixels,
                                             budget=budget)
            except ImageError as exc:
                entry["error"] = {"code": exc.code, "message": str(exc)}
                continue
            width, height = upright_size(decoded)
            entry.update(format=decoded.format, width=width, height=height)
            out.findings += match_findings(number, matches(decoded, self.loaded.index), self.lookup, post.today, language)
            out.findings += notice_findings(number, decoded, brand.owner_names if brand else [], language)
            out.findings += ocr_findings(number, decoded, job, language, self.limits, out.skipped)
        return out


def text_findings(job: Job, text: str) -> list[Finding]:
    """The text packs' findings on a text that comes with the post (an alt text, words read from the pixels)."""
    submission = dataclasses.replace(job.submission, text=text, images=())
    job.checker.validate(submission)  # e.g. more text read from the pixels than a post may have
    return job.checker.match(submission, job.brand)[2]


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


def ocr_findings(number: int, decoded: DecodedImage, job: Job, language: str, limits: ImageLimits,
                 skipped: list[dict]) -> list[Finding]:
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
        found = text_findings(job, read.text)
    except InputError as exc:
        skipped.append({"check": "ocr", "image": number, "reason": str(exc)})
        return []
    # Large JPEGs are decoded at a reduced scale: boxes are given in the full image's pixels.
    scale = upright_size(decoded)[0] / decoded.image.width
    out = []
    for finding in found:
        box = read.box_for(finding.span.start, finding.span.end) if finding.span is not None else None
        box = Box(*(round(v * scale) for v in box)) if box else None
        out.append(dataclasses.replace(finding, image=number, source="ocr", box=box))
    return out
