"""Web benchmarks at scale: gunicorn (2 and 4 sync workers) under wrk, beside the ceiling.

Run on demand, never in the test suite, against a seeded instance:

    FORUM_INSTANCE_PATH=/tmp/kindred-large .venv/bin/flask forum seed-demo --size large
    .venv/bin/python bench/web.py --instance /tmp/kindred-large [--database-url URL]

For each page (home, a board's first page, a deep board page, a thread page of 25 posts,
a search) it prints requests/s, p50 and p99 latency and SQL queries per page, and the same
for `bench/ceiling.py`; then creating a post (p50/p95, with and without the redirect it
answers), search latency over many words (p50/p95), and the resident memory of each
gunicorn worker and of the rq worker.
Rate limits are turned off for the run (FORUM_RATELIMIT_ENABLED=0): one address sends it all.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MEMBER, PASSWORD = "BenchMember", "bench member password 2026"
SEARCH_WORDS = [
    "sleep",
    "anxiety",
    "walk",
    "therapist",
    "grief",
    "sober",
    "breathing",
    "tired",
    "family",
    "work",
    "hope",
    "panic",
    "doctor",
    "friends",
    "morning",
    "night",
]
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@dataclass
class Targets:
    """The URLs measured, found in the seeded database."""

    pages: dict[str, str]
    deep_page: int
    thread_id: int
    reply_thread_id: int


@dataclass
class Load:
    """One wrk run."""

    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(args: argparse.Namespace, redis_url: str) -> dict[str, str]:
    env = dict(
        os.environ,
        FORUM_INSTANCE_PATH=str(args.instance),
        REDIS_URL=redis_url,
        FORUM_RATELIMIT_ENABLED="0",
        FLASK_APP="wsgi",
    )
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    return env


def prepare(args: argparse.Namespace, env: dict[str, str]) -> tuple[Targets, dict[str, int]]:
    """Create the bench member, pick the pages, and count SQL queries per page in-process."""
    os.environ.update(env)
    from sqlalchemy import event, func, select

    from forum import create_app
    from forum.accounts import services as accounts
    from forum.boards.models import Board
    from forum.extensions import db
    from forum.posts import services as posts
    from forum.posts.listing import _encode_cursor
    from forum.posts.models import Thread

    app = create_app()
    with app.app_context():
        member = accounts.find_user(MEMBER) or accounts.create_account(MEMBER, PASSWORD)
        db.session.commit()
        per_page = app.config["FORUM_THREADS_PER_PAGE"]
        board_id, count = db.session.execute(
            select(Thread.board_id, func.count())
            .group_by(Thread.board_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        board = db.session.get(Board, board_id)
        deep_page = min(args.deep_page, max(1, count // per_page))
        listing = (
            select(Thread)
            .where(
                Thread.board_id == board.id,
                Thread.is_pinned.is_(False),
                Thread.is_hidden.is_(False),
            )
            .order_by(Thread.last_post_at.desc(), Thread.id.desc())
        )
        before = db.session.scalars(listing.offset((deep_page - 1) * per_page - 1).limit(1)).first()
        deep_url = f"/b/{board.slug}" + (
            f"?older={_encode_cursor(before)}" if before is not None and deep_page > 1 else ""
        )
        thread = (
            db.session.scalars(
                select(Thread).where(Thread.post_count >= 25, Thread.is_hidden.is_(False)).limit(1)
            ).first()
            or db.session.scalars(select(Thread).order_by(Thread.post_count.desc())).first()
        )
        reply_thread = posts.create_thread(
            board, member, "Benchmark replies", "Replies written by bench/web.py land here."
        )
        db.session.commit()
        pages = {
            "home": "/",
            "board page 1": f"/b/{board.slug}",
            f"board page {deep_page:,}": deep_url,
            "thread (25 posts)": f"/t/{thread.id}",
            "search": "/search?q=sleep",
        }
        targets = Targets(pages, deep_page, thread.id, reply_thread.id)
        queries = _count_queries(app, db, event, pages)
    return targets, queries


def _count_queries(app, db, event, pages: dict[str, str]) -> dict[str, int]:  # type: ignore[no-untyped-def]
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = CSRF.search(page)
    client.post(
        "/login",
        data={
            "pseudonym": MEMBER,
            "password": PASSWORD,
            "csrf_token": token.group(1) if token else "",
        },
    )
    counts: dict[str, int] = {}
    seen: list[str] = []

    def count(*_args) -> None:  # type: ignore[no-untyped-def]
        seen.append("q")

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for name, url in pages.items():
            client.get(url)  # warm per-process caches, as a running server has them
            seen.clear()
            response = client.get(url)
            counts[name] = len(seen) if response.status_code == 200 else -response.status_code
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return counts


@contextmanager
def gunicorn(target: str, workers: int, env: dict[str, str]):  # type: ignore[no-untyped-def]
    """Run gunicorn on a free port; yield (base URL, master pid).

    Kindred runs with its own gunicorn settings; the ceiling with gunicorn's defaults.
    """
    port = _free_port()
    config = ["-c", "python:forum.gunicorn_config"] if target == "wsgi:app" else []
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        *config,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        target,
    ]
    # The access log is still written (its cost is part of the figure), just not printed.
    process = subprocess.Popen(  # noqa: S603
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/login" if target == "wsgi:app" else base, timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def login(base: str) -> tuple[urllib.request.OpenerDirector, str]:
    """Log the bench member in over HTTP; return the opener and its Cookie header."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    data = urllib.parse.urlencode(
        {"pseudonym": MEMBER, "password": PASSWORD, "csrf_token": CSRF.search(page).group(1)}
    ).encode()
    opener.open(base + "/login", data=data).read()
    return opener, "; ".join(f"{c.name}={c.value}" for c in jar)


def wrk(url: str, cookie: str, seconds: int, connections: int) -> Load:
    """Load one URL with wrk; parse requests/s, latency percentiles and errors."""
    header = ["-H", f"Cookie: {cookie}"] if cookie else []
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *header, url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return Load(rps, _ms(out, "50%"), _ms(out, "99%"), int(errors.group(1)) if errors else 0)


def _ms(out: str, label: str) -> float:
    value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def timed_requests(opener: urllib.request.OpenerDirector, requests: list) -> list[float]:  # type: ignore[type-arg]
    """Send (url, data) requests one after another; return each one's milliseconds."""
    times = []
    for url, data in requests:
        start = time.perf_counter()
        opener.open(url, data=data).read()
        times.append((time.perf_counter() - start) * 1000)
    return times


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    """The direct child processes of `pid` (gunicorn's workers)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of values."""
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--instance", type=Path, default=ROOT / "instance")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"))
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 4])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--deep-page", type=int, default=2000)
    parser.add_argument("--posts", type=int, default=200, help="posts created for the p95")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench/web.py needs wrk: apt-get install wrk")
    redis_url = args.redis_url
    if not redis_url:
        from forum.embedded_redis import embedded_redis_url

        redis_url = embedded_redis_url(args.instance)
    env = _env(args, redis_url)
    targets, queries = prepare(args, env)
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"\nKindred web benchmark on {database}, wrk -c{args.connections} {args.duration}s per page"
    )
    print(
        f"{'page':<22}{'workers':>8}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'SQL':>5}{'errors':>8}"
    )
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "flask", "forum", "worker"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    memory: dict[str, float] = {}
    try:
        for count in args.workers:
            with gunicorn(
                "bench.ceiling:app", count, dict(env, CEILING_THREAD_ID=str(targets.thread_id))
            ) as (base, _):
                load = wrk(base + "/", "", args.duration, args.connections)
                _row("ceiling (25 rows)", count, load, 1)
            with gunicorn("wsgi:app", count, env) as (base, master):
                opener, cookie = login(base)
                for name, path in targets.pages.items():
                    load = wrk(base + path, cookie, args.duration, args.connections)
                    _row(name, count, load, queries[name])
                if count == args.workers[-1]:
                    _sequential(opener, base, targets, args.posts)
                    for index, pid in enumerate(children(master)):
                        memory[f"gunicorn worker {index + 1}"] = rss_mb(pid)
        memory["rq worker"] = rss_mb(worker.pid)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    print("\nresident memory after the load")
    for name, mb in memory.items():
        print(f"  {name:<20}{mb:>8.1f} MB")


def _row(name: str, workers: int, load: Load, queries: int) -> None:
    print(
        f"{name:<22}{workers:>8}{load.rps:>10.0f}{load.p50_ms:>9.1f}{load.p99_ms:>9.1f}"
        f"{queries:>5}{load.errors:>8}"
    )


def timed_posts(base: str, cookie: str, requests: list) -> list[float]:  # type: ignore[type-arg]
    """POST (path, data) requests one after another without following the redirect.

    Returns each one's milliseconds; a response other than a redirect stops the run.
    """
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    times = []
    for path, data in requests:
        start = time.perf_counter()
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        conn.request("POST", path, body=data, headers=headers)
        response = conn.getresponse()
        response.read()
        conn.close()
        times.append((time.perf_counter() - start) * 1000)
        if response.status not in (302, 303):
            sys.exit(f"creating a post answered {response.status}, not a redirect")
    return times


def _cookie_header(opener: urllib.request.OpenerDirector) -> str:
    """The Cookie header the opener would send now (the session as the server last set it)."""
    for handler in opener.handlers:
        if isinstance(handler, urllib.request.HTTPCookieProcessor):
            return "; ".join(f"{c.name}={c.value}" for c in handler.cookiejar)
    return ""


def _sequential(
    opener: urllib.request.OpenerDirector, base: str, targets: Targets, posts: int
) -> None:
    """Creating posts and searching, one request at a time: p50 and p95.

    "create a post" follows the redirect to the thread page, as a browser does; "the POST
    alone" stops at the redirect (the write, without the page it leads to).
    """
    page = opener.open(f"{base}/t/{targets.reply_thread_id}").read().decode()
    token = CSRF.search(page).group(1)
    path = f"/t/{targets.reply_thread_id}/reply"
    replies = [
        urllib.parse.urlencode(
            {"csrf_token": token, "body": f"Benchmark reply {n}: a calm evening walk helped."}
        ).encode()
        for n in range(2 * posts)
    ]
    created = timed_requests(opener, [(base + path, data) for data in replies[:posts]])
    alone = timed_posts(base, _cookie_header(opener), [(path, data) for data in replies[posts:]])
    searches = [(f"{base}/search?q={word}", None) for word in SEARCH_WORDS * 8]
    searched = timed_requests(opener, searches)
    print(f"\n{'sequential':<22}{'n':>8}{'p50 ms':>10}{'p95 ms':>9}")
    print(
        f"{'create a post':<22}{len(created):>8}{pct(created, 50):>10.1f}{pct(created, 95):>9.1f}"
    )
    print(f"{'  the POST alone':<22}{len(alone):>8}{pct(alone, 50):>10.1f}{pct(alone, 95):>9.1f}")
    print(f"{'search':<22}{len(searched):>8}{pct(searched, 50):>10.1f}{pct(searched, 95):>9.1f}")


if __name__ == "__main__":
    main()
