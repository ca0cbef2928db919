"""WSGI entry point: `gunicorn wsgi:app`; `flask` finds it from the repo root."""

from forum import create_app

app = create_app()
