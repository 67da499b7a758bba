"""The attached images of POST /v1/check: limits from the config, and the error of a request's only image."""
from __future__ import annotations

from preflight.images.check import ImageLimits
from preflight.report import Report
from preflight.http.errors import ApiError

# Size limits answer 413 like the body limit; anything else wrong with the file is a 422.
STATUS = {"image_too_large": 413, "too_many_pixels": 413}


def image_limits(config) -> ImageLimits:
    return ImageLimits(int(config["MAX_IMAGE_BYTES"]), int(config["MAX_IMAGE_PIXELS"]), float(config["OCR_SECONDS"]),
                       ocr_images=int(config["OCR_IMAGES"]), ocr_request_seconds=float(config["OCR_REQUEST_SECONDS"]))


def refuse_only_bad_image(report: Report) -> None:
    """An ApiError when the request's one image could not be checked: with one image, that is the request's error."""
    failed = report.images[0]["error"] if len(report.images) == 1 else None
    if failed is not None:
        raise ApiError(STATUS.get(failed["code"], 422), failed["code"], f"image 0: {failed['message']}",
                       [{"field": "images.0"}])
