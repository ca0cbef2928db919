"""The ceiling: a minimal Flask app rendering a Jinja template of 25 rows from the same database.

Kindred's pages are measured against it in `bench/web.py`: whatever a page does beyond one
query and one template (sessions, CSRF, permissions, the header) is what the ratio shows.
Serve it with `gunicorn bench.ceiling:app` and DATABASE_URL (or FORUM_INSTANCE_PATH for
the SQLite file) set like the forum's.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, render_template_string
from sqlalchemy import create_engine, text

TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ceiling</title></head>
<body><main><h1>Latest posts</h1>
{% for row in rows %}<article id="p{{ row.id }}"><p>#{{ row.number }}</p>
<div>{{ row.body_html|safe }}</div></article>
{% endfor %}</main></body></html>"""


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    instance = Path(
        os.environ.get("FORUM_INSTANCE_PATH", Path(__file__).parent.parent / "instance")
    )
    return f"sqlite:///{instance / 'kindred.db'}"


def create_ceiling_app() -> Flask:
    """One route: the 25 posts of one thread page, by the index the forum uses too."""
    app = Flask(__name__)
    engine = create_engine(_database_url(), pool_pre_ping=True)
    thread_id = int(os.environ.get("CEILING_THREAD_ID", "1"))
    query = text(
        "SELECT id, number, body_html FROM post WHERE thread_id = :thread ORDER BY number LIMIT 25"
    )

    @app.get("/")
    def page() -> str:
        with engine.connect() as conn:
            rows = conn.execute(query, {"thread": thread_id}).all()
        return render_template_string(TEMPLATE, rows=rows)

    return app


app = create_ceiling_app()
