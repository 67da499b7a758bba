"""The checks of a post's attached images: registered references, embedded notices, alt text, text in the pixels."""
from __future__ import annotations

import base64
import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from preflight.errors import InputError
from preflight.images.messages import ai_message, credentials_message, match_message, notice_message
from preflight.images.registry import too_small
from preflight.images.decode import MAX_REQUEST_DECODED_PIXELS, DecodedImage, PixelBudget, decode_image
from preflight.images.disclosure import discloses_ai
from preflight.images.errors import ImageError, OcrTimeout, OcrUnavailable, ProvenanceUnavailable
from preflight.images.fingerprint import query_fingerprint
from preflight.images.index import ImageMatch, ReferenceIndex
from preflight.images.metadata import copyright_notices, digital_source_types, names_owner
from preflight.images.ocr import read_text, text_region
from preflight.images.provenance import AI_SOURCE_TYPES, Credentials, read_credentials, source_type_name
from preflight.pipeline import Found, Job
from preflight.report import Box, Finding

PACK = "image-copyright"
RESTRICTED = f"{PACK}/restricted"
LICENCE_EXPIRED = f"{PACK}/licence-expired"
LICENCE_EXPIRING = f"{PACK}/licence-expiring"
LICENSED = f"{PACK}/licensed"
EMBEDDED_NOTICE = f"{PACK}/embedded-notice"
# Two ids, so that a profile can raise the undisclosed case to block without blocking disclosed images.
AI_GENERATED = f"{PACK}/ai-generated"
AI_DISCLOSED = f"{PACK}/ai-generated-disclosed"
# A profile's images.require_credentials: the image lacks Content Credentials from one of its trusted signers.
CREDENTIALS = f"{PACK}/untrusted-credentials"
EXPIRING_DAYS = 30
# More matches for one attachment say nothing new to the editor.
MAX_MATCHES = 3


@dataclass(frozen=True)
class ImageLimits:
    """`ocr_seconds` bounds OCR of one image; `ocr_images` and `ocr_request_seconds` bound it over a request."""

    max_bytes: int
    max_pixels: int
    ocr_seconds: float
    max_request_pixels: int = MAX_REQUEST_DECODED_PIXELS
    ocr_images: int = 2
    ocr_request_seconds: float = 4.0


class OcrBudget:
    """What one request may still spend on OCR: a number of images and a time, whichever runs out first."""

    def __init__(self, limits: ImageLimits) -> None:
        self._limits = limits
        self._images = limits.ocr_images
        self._deadline = time.monotonic() + limits.ocr_request_seconds

    def take(self) -> float | None:
        """Seconds the next image's OCR may take; None when the request's budget is spent."""
        left = self._deadline - time.monotonic()
        if self._images <= 0 or left <= 0:
            return None
        self._images -= 1
        return min(self._limits.ocr_seconds, left)

    def spent(self) -> str:
        return (f"the request's OCR budget ({self._limits.ocr_images} images, {self._limits.ocr_request_seconds:g} s) "
                "is spent; this image's text was not read")


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
        index, limits = self.loaded.index, self.limits
        out = Found()
        budget = PixelBudget(limits.max_request_pixels)
        ocr_budget = OcrBudget(limits)
        for number, attached in enumerate(post.images):
            entry = {"index": number, "name": attached.name, "format": None, "width": None, "height": None, "error": None,
                     "note": None, "provenance": None}
            out.images.append(entry)
            if attached.alt and attached.alt.strip():
                out.findings += [dataclasses.replace(f, image=number, source="alt")
                                 for f in text_findings(job, attached.alt)]
            try:
                decoded = decode_image(attached.data, max_bytes=limits.max_bytes, max_pixels=limits.max_pixels,
                                       budget=budget)
            except ImageError as exc:
                entry["error"] = {"code": exc.code, "message": str(exc)}
                continue
            width, height = upright_size(decoded)
            small = too_small(decoded)
            credentials = credentials_of(decoded, out.skipped)
            found_matches, via = all_matches(decoded, credentials, index, limits, comparable=small is None)
            entry.update(format=decoded.format, width=width, height=height, note=small and note(small),
                         provenance=provenance_entry(credentials, via))
            out.findings += match_findings(number, found_matches, self.lookup, post.today, language, via)
            out.findings += notice_findings(number, decoded, brand.owner_names if brand else [], language)
            out.findings += ai_findings(number, decoded, credentials, discloses_ai(post.text, attached.alt), language)
            if brand and brand.images.require_credentials and not any(s["check"] == "provenance" for s in out.skipped):
                out.findings += credential_findings(number, credentials, brand.images.trusted_signers, language)
            if small is None:
                out.findings += ocr_findings(number, decoded, job, language, ocr_budget, out.skipped)
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
                   language: str, via: dict[int, str | None] | None = None) -> list[Finding]:
    """One finding per matched reference; `via` names the ingredient a match was found through."""
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
        if via and match.ref_id in via:
            wire["ingredient"] = via[match.ref_id]
        out.append(Finding(rule, PACK, severity, message, None, image=number, source="image", match=wire))
    return out


def note(small: ImageError) -> dict:
    """What the entry of an image too small to compare says: it was checked, except against the references."""
    return {"code": small.code, "message": f"{small}; its metadata, Content Credentials and alt text were checked"}


def credentials_of(decoded: DecodedImage, skipped: list[dict]) -> Credentials | None:
    """The image's Content Credentials; without c2pa-python, None and the check listed once as skipped."""
    try:
        return read_credentials(decoded)
    except ProvenanceUnavailable as exc:
        if not any(s["check"] == "provenance" for s in skipped):
            skipped.append({"check": "provenance", "reason": str(exc)})
        return None


def all_matches(decoded: DecodedImage, credentials: Credentials | None, index: ReferenceIndex, limits: ImageLimits,
                comparable: bool) -> tuple[list[ImageMatch], dict[int, str | None]]:
    """The image's own matches and those of its ingredients' thumbnails, each reference once.

    The second value maps the references an ingredient matches to that ingredient's title: a composite
    made from a registered stock photo is as much a use of it as a copy.
    """
    own = matches(decoded, index) if comparable else []
    best: dict[int, tuple[ImageMatch, str | None]] = {}
    for ingredient in credentials.ingredients if credentials and index.len() else ():
        if ingredient.thumbnail is None:
            continue
        try:
            thumbnail = decode_image(ingredient.thumbnail, max_bytes=limits.max_bytes, max_pixels=limits.max_pixels)
        except ImageError:
            continue  # a broken preview leaves nothing to compare
        if too_small(thumbnail) is not None:
            continue
        for match in matches(thumbnail, index):
            if match.ref_id not in best or match.similarity > best[match.ref_id][0].similarity:
                best[match.ref_id] = (match, ingredient.title)
    seen = {m.ref_id for m in own}
    found = own + [match for ref_id, (match, _) in best.items() if ref_id not in seen]
    via = {ref_id: title for ref_id, (_, title) in best.items()}
    return sorted(found, key=lambda m: (-m.similarity, m.ref_id)), via


def provenance_entry(credentials: Credentials | None, via: dict[int, str | None]) -> dict | None:
    """The image entry's `provenance`: signer, claim generator, validation and ingredients."""
    if credentials is None:
        return None
    matched = {}
    for ref_id, title in via.items():
        matched.setdefault(title, ref_id)
    return {"signer": credentials.signer, "signer_name": credentials.signer_name,
            "claim_generator": credentials.claim_generator, "validation": credentials.validation,
            "tampered": credentials.tampered, "failures": list(credentials.failures),
            "digital_source_type": credentials.ai_source_type or next(iter(credentials.source_types), None),
            "ingredients": [{"title": i.title, "reference_id": matched.get(i.title)} for i in credentials.ingredients]}


def ai_findings(number: int, decoded: DecodedImage, credentials: Credentials | None, disclosed: bool,
                language: str) -> list[Finding]:
    """image-copyright/ai-generated when the Content Credentials or XMP say generative AI made the image."""
    kind, field = (credentials.ai_source_type, "C2PA") if credentials and credentials.ai_source_type else (None, None)
    if kind is None:
        kind = next((t for t in map(source_type_name, digital_source_types(decoded)) if t in AI_SOURCE_TYPES), None)
        field = "XMP DigitalSourceType"
    if kind is None:
        return []
    message = ai_message(language, disclosed, kind == "compositeWithTrainedAlgorithmicMedia", field)
    rule, severity = (AI_DISCLOSED, "info") if disclosed else (AI_GENERATED, "warning")
    return [Finding(rule, PACK, severity, message, None, image=number, source="image")]


def credential_findings(number: int, credentials: Credentials | None, trusted: list[str],
                        language: str) -> list[Finding]:
    """image-copyright/untrusted-credentials unless the image's Content Credentials are intact and signed by one
    of the brand's trusted signers (its certificate's organisation or common name)."""
    if credentials is None:
        kind = "missing"
    elif credentials.tampered:
        kind = "tampered"
    elif {s.casefold() for s in (credentials.signer, credentials.signer_name) if s} & {t.casefold() for t in trusted}:
        return []
    else:
        kind = "untrusted"
    failure = credentials.failures[0] if credentials and credentials.failures else credentials and credentials.validation
    message = credentials_message(language, kind, trusted, credentials and (credentials.signer or credentials.signer_name),
                                  failure)
    return [Finding(CREDENTIALS, PACK, "block", message, None, image=number, source="image")]


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


def ocr_findings(number: int, decoded: DecodedImage, job: Job, language: str, budget: OcrBudget,
                 skipped: list[dict]) -> list[Finding]:
    """Text packs over the words read from the pixels, when the image likely carries lettering (only the band
    where the gate saw it is read), within the request's OCR budget."""
    region = text_region(decoded.image)
    if region is None:
        return []
    seconds = budget.take()
    if seconds is None:
        skipped.append({"check": "ocr", "image": number, "reason": budget.spent()})
        return []
    try:
        read = read_text(decoded.image, list(dict.fromkeys([language, "en"])), seconds, region)
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
