"""The attached images of POST /v1/check: limits from the config, the engine's image checks, per-image errors."""
from __future__ import annotations

from ..image_check import Attached, ImageLimits, check_images, with_images
from .errors import ApiError

# Size limits answer 413 like the body limit; anything else wrong with the file is a 422.
STATUS = {"image_too_large": 413, "too_many_pixels": 413}


def image_limits(config) -> ImageLimits:
    return ImageLimits(int(config["MAX_IMAGE_BYTES"]), int(config["MAX_IMAGE_PIXELS"]), float(config["OCR_SECONDS"]))


def check_attached(service, config, req, files: list[bytes], report):
    """(report with image findings, skipped checks, one entry per image); ApiError when the only image is bad.

    `files` are the request's images already decoded from base64, in order.
    """
    if not req.images:
        return report, [], []
    attached = [Attached(data, image.name, image.alt) for data, image in zip(files, req.images)]
    brand = service.checker.ruleset.profiles.get(req.profile) if req.profile else None
    checks = check_images(attached, checker=service.checker, index=service.reference_index.index,
                          lookup=service.references.with_thumbnails, limits=image_limits(config),
                          language=req.language, platform=req.platform, profile=req.profile, context=req.context,
                          post_language=report.language, text=req.text)
    failed = checks.images[0]["error"] if len(checks.images) == 1 else None
    if failed is not None:
        raise ApiError(STATUS.get(failed["code"], 422), failed["code"], f"image 0: {failed['message']}",
                       [{"field": "images.0"}])
    return with_images(report, checks, brand.block_on if brand else "block"), checks.skipped, checks.images
