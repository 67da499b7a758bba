"""The settings the server and the command line share, and where the command line reads them: the environment."""
from __future__ import annotations

import os
from collections.abc import Mapping
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
    "OCR_IMAGES": 2,  # images per request whose text is read; the rest are listed in `skipped`
    "OCR_REQUEST_SECONDS": 4.0,
    "RATE_LIMIT": "600 per minute",
    "CORS_ORIGINS": [],
    "KEY_CACHE_SECONDS": 60.0,  # revocations reach every process sooner, through the change counters
    "AUTH_FAILURE_LIMIT": "60 per minute",
    "DATABASE_TIMEOUT": 5.0,
    "AUDIT_WAIT_SECONDS": 2.0,
    "HASH_SECRET": None,  # None: generated once and kept in the database
    "SYNC_SECONDS": 1.0,
    "REPORT_CACHE_SIZE": 1024,  # reports each worker keeps for re-checks of unchanged drafts (0: none)
    "IMAGE_INDEX_DIR": None,  # None: each process holds its own reference index in memory
    "LANGUAGETOOL_URL": None,
    "LANGUAGETOOL_TIMEOUT": 0.5,
    "LANGUAGETOOL_FAILURES": 3,
    "LANGUAGETOOL_COOLDOWN": 30.0,
    "LANGUAGETOOL_ENGLISH": "en-GB",
    "PREVIEW_ROOT": None,  # None: the directory that holds the rules directory
    "PREVIEW_MAX_POSTS": 2000,
    # While crisis mode is on only approved statements go out, unless the deployment lets editors publish anyway.
    "CRISIS_OVERRIDES": False,
    "CRISIS_REASON_MIN_CHARS": 20,
    "APPROVAL_TTL_HOURS": 24,  # how long an approval request, and an approval, holds (1 to 168)
    # Outgoing webhooks about approval requests: a JSON list of {"url", "format": slack|teams|json, "secret"}.
    "WEBHOOKS": None,
    "WEBHOOK_ATTEMPTS": 5,
    "WEBHOOK_BACKOFF_SECONDS": 2.0,  # the wait before the first retry; it doubles before each next one
}
# Documented names that do not carry the PREFLIGHT_ prefix.
UNPREFIXED = {"LANGUAGETOOL_URL": "LANGUAGETOOL_URL"}


def default_database_url() -> str:
    return f"sqlite:///{Path('var').resolve() / 'preflight.db'}"


def setting(name: str, environ: Mapping = os.environ):
    """A setting as the command line sees it: PREFLIGHT_<name> (or its unprefixed name), else the default."""
    value = environ.get(UNPREFIXED.get(name, f"PREFLIGHT_{name}"))
    return value if value else DEFAULTS[name]


def database_url(environ: Mapping = os.environ) -> str:
    """The server's database, so that the command line reads and changes the same keys, crisis mode and events."""
    return setting("DATABASE_URL", environ) or default_database_url()
