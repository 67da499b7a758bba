"""Exceptions of the image checks."""
from __future__ import annotations

from preflight.errors import InputError, PreflightError


class ImageError(InputError):
    """An attached image cannot be checked; `code` says why (not_an_image, truncated_image, ...)."""

    def __init__(self, code: str, message: str, *, field: str = "images") -> None:
        super().__init__(message, field=field)
        self.code = code


class OcrUnavailable(PreflightError):
    """Tesseract is not installed, so the text inside images cannot be read."""

    code = "ocr_unavailable"


class OcrTimeout(PreflightError):
    """Reading the text of an image took longer than its budget."""

    code = "ocr_timeout"

    def __init__(self, budget_seconds: float) -> None:
        super().__init__(f"reading the text in the image took longer than {budget_seconds:g} s")
        self.budget_seconds = budget_seconds


class ProvenanceUnavailable(PreflightError):
    """c2pa-python is not installed, so Content Credentials cannot be read."""

    code = "provenance_unavailable"
