"""Files kept in the user's cache directory between runs, each with a checksum of its payload.

A file that is missing, truncated, corrupt, of another format or writable by others reads as None: its
owner builds the payload again and rewrites it. The cache is an optimisation, never a requirement: a
directory that cannot be written only costs the rebuilding.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

DIGEST = hashlib.sha256().digest_size


def cache_dir() -> Path:
    """PREFLIGHT_CACHE_DIR, else $XDG_CACHE_HOME/preflight, else ~/.cache/preflight."""
    configured = os.environ.get("PREFLIGHT_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "preflight"


def stamp(source: Path) -> str:
    """What names a payload built from a data file: its path, size and modification time (an upgrade changes them)."""
    status = source.stat()
    return f"{source}\0{status.st_size}\0{status.st_mtime_ns}\0"


def read_payload(path: Path, magic: bytes) -> bytes | None:
    """The payload `write_payload` stored at `path` with this `magic`, or None when it cannot be trusted."""
    try:
        with path.open("rb") as handle:
            # Some payloads run code when loaded (pickles): only a file of this user's that nobody else could have written.
            status = os.fstat(handle.fileno())
            if status.st_uid != os.getuid() or status.st_mode & 0o022:
                return None
            blob = handle.read()
    except OSError:
        return None
    head, checksum, payload = blob[:len(magic)], blob[len(magic):len(magic) + DIGEST], blob[len(magic) + DIGEST:]
    if head != magic or hashlib.sha256(payload).digest() != checksum:
        return None
    try:
        os.utime(path)  # in use: the last to be pruned
    except OSError:
        pass
    return payload


def write_payload(path: Path, magic: bytes, payload: bytes, siblings: str, keep: int) -> None:
    """Store `payload` at `path` whole or not at all; keep the `keep` newest files matching the glob `siblings`."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", delete=False) as handle:
            handle.write(magic + hashlib.sha256(payload).digest() + payload)
        os.replace(handle.name, path)
        for old in sorted(path.parent.glob(siblings), key=lambda p: p.stat().st_mtime, reverse=True)[keep:]:
            old.unlink(missing_ok=True)
    except OSError:  # a read-only home, a file where the directory would be
        return
