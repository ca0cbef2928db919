"""Screening benchmarks: rules throughput on one core, and submit-to-queue latency.

Run on demand: `.venv/bin/python bench/screening.py [--posts 2000] [--latency-posts 100]`.
Prints a table; never part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SENTENCES = [
    "Today was a long day at work and I felt the anxiety building from the morning.",
    "My therapist suggested writing things down before bed, and it helps a little.",
    "I went for a walk by the river and counted the ducks, which sounds silly but worked.",
    "Does anyone else find Sunday evenings the hardest part of the week?",
    "I have been sober for ninety days and I wanted to share that with people who get it.",
    "Caring for my dad is exhausting and I feel guilty for even saying that out loud.",
    "The new medication makes me sleepy in the afternoons; my GP says it may settle.",
    "Grief comes in waves, and this week the waves have been big.",
    "Thank you all for the kind replies yesterday, they meant more than you know.",
    "Breathing exercises: in for four, hold for four, out for six. Repeat.",
]
CRISIS = "I can't do this anymore and I want to end my life tonight."


def make_post(rng: random.Random, size: int = 1000) -> str:
    """A realistic ~1,000-character post built from ordinary sentences."""
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) < size:
        parts.append(rng.choice(SENTENCES))
    return " ".join(parts)[:size]


def bench_throughput(count: int, model: bool = True) -> float:
    """Posts screened per second, one core, 1,000-character posts (rules and the shipped model)."""
    from forum.moderation.classifier import default_classifier
    from forum.moderation.screening import RuleSet, default_rules

    ruleset = RuleSet(default_rules(), default_classifier() if model else None)
    rng = random.Random(7)
    posts = [make_post(rng) for _ in range(count)]
    ruleset.screen(posts[0])  # warm up
    start = time.perf_counter()
    for text in posts:
        ruleset.screen(text)
    return count / (time.perf_counter() - start)


def bench_latency(count: int, workers: int) -> list[float]:
    """Seconds from a committed post to its review item, with real rq workers running."""
    instance = Path(tempfile.mkdtemp(prefix="kindred-bench-"))
    os.environ["FORUM_INSTANCE_PATH"] = str(instance)
    os.environ.pop("REDIS_URL", None)
    from flask_migrate import upgrade

    from forum import create_app
    from forum.extensions import db

    app = create_app({"RATELIMIT_ENABLED": False})
    env = dict(os.environ, FLASK_APP="wsgi", REDIS_URL=app.config["REDIS_URL"])
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        board_id, author_ids = _setup(db)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "flask", "forum", "worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(workers)
    ]
    try:
        time.sleep(2.0)  # let the workers register
        with app.app_context():
            from forum.accounts.models import User
            from forum.boards.models import Board

            board = db.session.get(Board, board_id)
            authors = [db.session.get(User, a) for a in author_ids]
            return [_one_latency(db, board, authors[i % len(authors)], i) for i in range(count)]
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=20)
        from forum.embedded_redis import stop_embedded_redis

        stop_embedded_redis()


def _setup(db):  # type: ignore[no-untyped-def]
    from forum.accounts.services import create_account
    from forum.boards.services import create_board

    board = create_board("bench", "Bench")
    authors = [create_account(f"BenchMember{i}", "a long bench password") for i in range(20)]
    db.session.commit()
    return board.id, [a.id for a in authors]


def _one_latency(db, board, author, index: int) -> float:  # type: ignore[no-untyped-def]
    from forum.moderation.models import ReviewItem
    from forum.posts.services import create_thread

    thread = create_thread(board, author, f"Bench thread {index}", CRISIS)
    db.session.commit()
    start = time.perf_counter()
    post_id = thread.first_post.id
    while time.perf_counter() - start < 30:
        db.session.rollback()
        if db.session.scalar(db.select(ReviewItem.id).where(ReviewItem.post_id == post_id)):
            return time.perf_counter() - start
        time.sleep(0.005)
    return float("inf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--latency-posts", type=int, default=100)
    args = parser.parse_args()
    rate = bench_throughput(args.posts)
    alone = bench_throughput(args.posts, model=False)
    # The figures mean little on a busy machine: say how busy it was.
    load = ", ".join(f"{figure:.2f}" for figure in os.getloadavg())
    print(f"{'benchmark':<44}{'figure':>14}   (load average {load}, {os.cpu_count()} cores)")
    print(f"{'screening throughput, 1 core, 1,000 chars':<44}{rate:>10,.0f} /s  (target 2,000)")
    print(f"{'  the same, rules alone (no model)':<44}{alone:>10,.0f} /s")
    for workers in (1, 2) if args.latency_posts > 0 else ():  # 0: throughput only
        lat = sorted(bench_latency(args.latency_posts, workers))
        p50 = statistics.median(lat) * 1000
        p95 = lat[int(len(lat) * 0.95) - 1] * 1000
        print(f"{f'submit-to-queue latency, {workers} worker(s), p50':<44}{p50:>10.0f} ms")
        print(f"{f'submit-to-queue latency, {workers} worker(s), p95':<44}{p95:>10.0f} ms")


if __name__ == "__main__":
    main()
