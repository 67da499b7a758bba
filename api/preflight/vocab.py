"""The closed vocabularies every entry point shares: languages, platforms, severities and contexts.

The pack format, the API's request shapes, the command line and the engine all take them from here, so adding
a language or a platform is one edit (and the packs' schema, regenerated, follows).
"""
from __future__ import annotations

from typing import Literal, get_args

Language = Literal["en", "nl", "da", "sv", "de"]
Platform = Literal["x", "threads", "instagram", "linkedin", "facebook", "tiktok"]
# Lowest first: a verdict ranks findings in this order.
Severity = Literal["info", "warning", "block"]
# A post of its own, or a reply to another message (`in_reply_to`).
Context = Literal["post", "reply"]

LANGUAGES: tuple[str, ...] = get_args(Language)
PLATFORMS: tuple[str, ...] = get_args(Platform)
SEVERITIES: tuple[str, ...] = get_args(Severity)
CONTEXTS: tuple[str, ...] = get_args(Context)
