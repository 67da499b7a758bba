"""The JSON Schemas of packs and profiles, for editors with yaml-language-server."""
from __future__ import annotations

from preflight.packs.model import Pack, Profile


def pack_schema() -> dict:
    schema = Pack.model_json_schema(by_alias=True)
    schema["title"] = "preflight rule pack"
    return schema


def profile_schema() -> dict:
    schema = Profile.model_json_schema(by_alias=True)
    schema["title"] = "preflight brand profile"
    return schema
