"""Whether the Redis behind the shared rate limits answers, for /readyz."""
from __future__ import annotations

import redis

TIMEOUT_S = 0.5


def redis_state(url: str | None) -> str:
    if not url:
        return "not configured (rate limits per process)"
    client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_S, socket_timeout=TIMEOUT_S)
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        return f"down: rate limits fall back to per process ({type(exc).__name__})"
    finally:
        client.close()
    return "up (rate limits shared)"
