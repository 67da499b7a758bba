"""What registering a reference image assumes when the caller leaves out its status or source."""
from __future__ import annotations

# Most brands register the images they must not post.
DEFAULT_STATUS = "restricted"
# Stored when no source is given: every reference has one, shown beside its label in a match.
UNSPECIFIED_SOURCE = "source not given"


def registration_defaults(status: str | None, source: str | None) -> tuple[str, str, dict[str, str]]:
    """(status, source, what was assumed) for a registration that may leave out its status or source."""
    assumed = {}
    if status is None:
        status = assumed["status"] = DEFAULT_STATUS
    if source is None or not source.strip():
        source = assumed["source"] = UNSPECIFIED_SOURCE
    return status, source, assumed
