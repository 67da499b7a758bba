"""Whether a post discloses that an image was made with generative AI: the term list in ai-disclosure.yaml."""
from __future__ import annotations

import functools
from pathlib import Path

import yaml

from preflight.images.metadata import mentions

TERMS_FILE = Path(__file__).with_name("ai-disclosure.yaml")


@functools.cache
def disclosure_terms() -> dict[str, tuple[str, ...]]:
    """The terms per language (en, nl, da, sv, de) and the platforms' labels."""
    with TERMS_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return {group: tuple(str(term) for term in terms) for group, terms in data.items()}


def discloses_ai(*texts: str | None) -> bool:
    """Whether any of the texts (the post, an alt text) holds a disclosure term of any language."""
    terms = [term for group in disclosure_terms().values() for term in group]
    return any(text and mentions(text, terms) for text in texts)
