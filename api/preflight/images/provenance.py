"""Content Credentials (C2PA manifests) embedded in an image: who signed it, what made it, what it was made from."""
from __future__ import annotations

import functools
import io
import json
from dataclasses import dataclass

from preflight.images.decode import DecodedImage
from preflight.images.errors import ProvenanceUnavailable

# IPTC's digital source types for media made (or partly made) by a generative model or an algorithm.
AI_SOURCE_TYPES = ("trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia", "algorithmicMedia")
# Actions that say how the asset itself came to be; others (c2pa.opened, c2pa.placed...) describe ingredients.
_MAKING_ACTIONS = ("c2pa.created", "c2pa.edited")
_MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp", "TIFF": "image/tiff",
         "HEIF": "image/heif", "AVIF": "image/avif"}
# A manifest listing more ingredients than this is still reported, with its first ones only.
MAX_INGREDIENTS = 16


@dataclass(frozen=True)
class Ingredient:
    """A file the image was made from, as its manifest names it."""

    title: str | None
    thumbnail: bytes | None = None


@dataclass(frozen=True)
class Credentials:
    """The active manifest of an image's Content Credentials.

    `signer` is the organisation named in the signing certificate, `tampered` whether the manifest or the
    pixels it binds fail validation, `source_types` the digital source types of its creation and edit actions.
    """

    signer: str | None
    signer_name: str | None
    claim_generator: str | None
    validation: str
    tampered: bool
    failures: tuple[str, ...]
    source_types: tuple[str, ...]
    ingredients: tuple[Ingredient, ...]

    @property
    def ai_source_type(self) -> str | None:
        """The first digital source type that says generative AI or an algorithm made the image."""
        return next((t for t in self.source_types if t in AI_SOURCE_TYPES), None)


def source_type_name(value: str) -> str:
    """`trainedAlgorithmicMedia` from the IPTC vocabulary's URI (or from the bare name)."""
    return value.strip().rstrip("/").rsplit("/", 1)[-1]


@functools.cache
def _c2pa():
    """The c2pa module and a reading context that never fetches anything over the network."""
    try:
        import c2pa
    except ImportError as exc:
        raise ProvenanceUnavailable("c2pa-python is not installed, so Content Credentials cannot be read") from exc
    context = c2pa.Context.from_dict({"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}})
    return c2pa, context


def read_credentials(decoded: DecodedImage) -> Credentials | None:
    """The image's Content Credentials; None when it has none; ProvenanceUnavailable without c2pa-python."""
    mime = _MIME.get(decoded.format)
    if mime is None:
        return None
    c2pa, context = _c2pa()
    try:
        reader = c2pa.Reader.try_create(mime, io.BytesIO(decoded.data), None, context)
    except c2pa.C2paError as exc:
        # A manifest store is there but cannot be parsed: as untrustworthy as a failed signature.
        return Credentials(None, None, None, "invalid", True, (f"manifest.unreadable: {exc}"[:200],), (), ())
    if reader is None:
        return None
    with reader:
        store = json.loads(reader.json())
        manifest = store.get("manifests", {}).get(store.get("active_manifest") or "") or {}
        state = (reader.get_validation_state() or "invalid").lower()
        listed = (manifest.get("ingredients") or [])[:MAX_INGREDIENTS]
        ingredients = tuple(_ingredient(reader, item, c2pa.C2paError) for item in listed)
    signature = manifest.get("signature_info") or {}
    failures = tuple(dict.fromkeys(s.get("code", "") for s in store.get("validation_status") or []
                                   if s.get("code") != "signingCredential.untrusted"))
    return Credentials(signer=signature.get("issuer"), signer_name=signature.get("common_name"),
                       claim_generator=_generator(manifest), validation=state, tampered=state == "invalid",
                       failures=failures, source_types=_source_types(manifest), ingredients=ingredients)


def _generator(manifest: dict) -> str | None:
    info = manifest.get("claim_generator_info") or []
    if info and isinstance(info[0], dict) and info[0].get("name"):
        return " ".join(str(info[0][k]) for k in ("name", "version") if info[0].get(k))
    return manifest.get("claim_generator")


def _source_types(manifest: dict) -> tuple[str, ...]:
    found = []
    for assertion in manifest.get("assertions") or []:
        if not str(assertion.get("label", "")).startswith("c2pa.actions"):
            continue
        for action in (assertion.get("data") or {}).get("actions") or []:
            if action.get("action") in _MAKING_ACTIONS and action.get("digitalSourceType"):
                found.append(source_type_name(str(action["digitalSourceType"])))
    return tuple(dict.fromkeys(found))


def _ingredient(reader, item: dict, c2pa_error: type[Exception]) -> Ingredient:
    """Its title and thumbnail (no larger than the file that embeds it, which is within the byte limit)."""
    uri = (item.get("thumbnail") or {}).get("identifier")
    out = io.BytesIO()
    if uri:
        try:
            reader.resource_to_stream(uri, out)
        except c2pa_error:  # a missing or broken thumbnail only leaves nothing to compare
            out = io.BytesIO()
    return Ingredient(item.get("title"), out.getvalue() or None)
