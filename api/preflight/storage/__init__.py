"""Storage for the HTTP API: hashed API keys and check records, on SQLite or PostgreSQL."""
from __future__ import annotations

from preflight.storage.store import ApiKey, StorageError, Store

__all__ = ["ApiKey", "StorageError", "Store"]
