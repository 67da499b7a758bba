"""Configuration: defaults, then PREFLIGHT_* environment variables, then the mapping passed in."""
from __future__ import annotations

import os
from pathlib import Path

DEFAULTS = {
    "DATABASE_URL": None,  # None: an SQLite file under ./var
    "REDIS_URL": None,
    "REDIS_KEY_PREFIX": "preflight",  # several deployments (or test runs) can share one Redis
    "RULES_DIR": None,  # None: the bundled rules
    "STORE_TEXT": False,
    "MAX_BODY_BYTES": 16 * 2**20,
    "MAX_TEXT_CHARS": 100_000,
    "MAX_BATCH_ITEMS": 100,
    "MAX_BATCH_CHARS": 500_000,
    "MAX_IMAGES": 4,
    "MAX_IMAGE_BYTES": 10 * 2**20,
    "MAX_IMAGE_PIXELS": 40_000_000,
    "OCR_SECONDS": 3.0,
    "RATE_LIMIT": "600 per minute",
    "CORS_ORIGINS": [],
    "KEY_CACHE_SECONDS": 60.0,  # revocations reach every process sooner, through the change counters
    "AUTH_FAILURE_LIMIT": "60 per minute",
    "DATABASE_TIMEOUT": 5.0,
    "AUDIT_WAIT_SECONDS": 2.0,
    "HASH_SECRET": None,  # None: generated once and kept in the database
    "SYNC_SECONDS": 1.0,
    "LANGUAGETOOL_URL": None,
    "LANGUAGETOOL_TIMEOUT": 0.5,
    "LANGUAGETOOL_FAILURES": 3,
    "LANGUAGETOOL_COOLDOWN": 30.0,
    "LANGUAGETOOL_ENGLISH": "en-GB",
    "PREVIEW_ROOT": None,  # None: the directory that holds the rules directory
    "PREVIEW_MAX_POSTS": 2000,
}
# Documented names that do not carry the PREFLIGHT_ prefix.
UNPREFIXED = {"LANGUAGETOOL_URL": "LANGUAGETOOL_URL"}


def default_database_url() -> str:
    return f"sqlite:///{Path('var').resolve() / 'preflight.db'}"


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
