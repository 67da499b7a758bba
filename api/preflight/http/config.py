"""The server's configuration: defaults, then PREFLIGHT_* environment variables, then the mapping passed in."""
from __future__ import annotations

import os

from preflight.config import DEFAULTS, UNPREFIXED, default_database_url


def load_config(app, overrides: dict | None) -> None:
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("PREFLIGHT")
    for key, env in UNPREFIXED.items():
        if os.environ.get(env):
            app.config[key] = os.environ[env]
    if overrides:
        app.config.from_mapping(overrides)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = default_database_url()
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["MAX_BODY_BYTES"])
    origins = app.config["CORS_ORIGINS"]
    if isinstance(origins, str):
        app.config["CORS_ORIGINS"] = [o.strip() for o in origins.split(",") if o.strip()]
