"""Every benchmark in one run: `make bench` (about 15 minutes on SQLite, 30 with PostgreSQL).

1. screening throughput and submit-to-queue latency (bench/screening.py);
2. the large demo (20 boards, 100,000 threads, 1,000,000 posts) on SQLite, built once into
   BENCH_INSTANCE (default /tmp/kindred-bench), then the web benchmark (bench/web.py);
3. with BENCH_DATABASE_URL set (an empty PostgreSQL database), the same on PostgreSQL;
4. the soak test with faults (bench/soak.py) on BENCH_DATABASE_URL, or SQLite without it.

Needs wrk (apt-get install wrk). Each step prints its own table.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def run(*command: str, env: dict[str, str] | None = None) -> None:
    """Run one step; stop everything if it fails."""
    print(f"\n$ {' '.join(command)}", flush=True)
    subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603


def seeded(instance: Path, database_url: str | None) -> None:
    """Build the large demo into `instance` (and `database_url`) unless it is there already."""
    env = dict(os.environ, FLASK_APP="wsgi", FORUM_INSTANCE_PATH=str(instance))
    if database_url:
        env["DATABASE_URL"] = database_url
    stamp = instance / ("large-seeded-pg" if database_url else "large-seeded")
    if stamp.exists():
        return
    instance.mkdir(parents=True, exist_ok=True)
    run(PYTHON, "-m", "flask", "db", "upgrade", env=env)
    run(PYTHON, "-m", "flask", "forum", "seed-demo", "--size", "large", env=env)
    run(PYTHON, "-m", "flask", "forum", "search", "optimize", env=env)
    stamp.touch()


def main() -> None:
    instance = Path(os.environ.get("BENCH_INSTANCE", "/tmp/kindred-bench"))
    postgres = os.environ.get("BENCH_DATABASE_URL")
    run(PYTHON, "bench/screening.py")
    seeded(instance, None)
    run(PYTHON, "bench/web.py", "--instance", str(instance))
    if postgres:
        seeded(instance / "pg", postgres)
        run(PYTHON, "bench/web.py", "--instance", str(instance / "pg"), "--database-url", postgres)
    soak = [PYTHON, "bench/soak.py"] + (["--database-url", postgres] if postgres else [])
    run(*soak)


if __name__ == "__main__":
    main()
