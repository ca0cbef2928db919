"""Configuration: safe development defaults, then the environment, then explicit overrides."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """The configuration cannot be used (for example, no secret key in production)."""


def _database_url(raw: str) -> str:
    """Pick the psycopg 3 driver for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def _dev_secret_key(instance_path: Path) -> str:
    """Return the development secret kept in the instance folder, creating it once.

    Creation uses O_EXCL so that several processes starting together agree on one key.
    """
    path = instance_path / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        key = secrets.token_urlsafe(48)
        handle.write(key)
    return key


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_config(instance_path: Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the configuration mapping used by both the web app and the worker."""
    overrides = dict(overrides or {})
    instance_path.mkdir(parents=True, exist_ok=True)
    env = overrides.get("FORUM_ENV", os.environ.get("FORUM_ENV", "development"))
    production = env == "production"

    config: dict[str, Any] = {
        "FORUM_ENV": env,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance_path / 'kindred.db'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": None,
        "SECRET_KEY": None,
        # Forms and request limits.
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "MAX_FORM_MEMORY_SIZE": 256 * 1024,
        # Static URLs carry a content hash (templating.asset_url), so cache them for a year.
        "SEND_FILE_MAX_AGE_DEFAULT": 365 * 24 * 3600,
        # Cookies: HttpOnly and SameSite=Lax always; Secure and __Host- in production.
        "SESSION_COOKIE_NAME": "__Host-kindred" if production else "kindred",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_PATH": "/",
        "REMEMBER_COOKIE_NAME": "__Host-kindred_remember" if production else "kindred_remember",
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 30,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        # Rate limits (Flask-Limiter), stored in Redis with expiry.
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_HEADERS_ENABLED": False,
        # Redis down must not take posting down: fail open, with short timeouts.
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        "RATELIMIT_SIGNUP": "5 per hour;20 per day",
        "RATELIMIT_LOGIN": "10 per minute;60 per hour",
        "RATELIMIT_RECOVER": "5 per minute;20 per hour",
        "RATELIMIT_POST": "30 per minute",
        # Product settings.
        "FORUM_THREADS_PER_PAGE": 30,
        "FORUM_POSTS_PER_PAGE": 25,
        "FORUM_QUICK_EXIT_URL": "https://www.bbc.com/weather",
        "FORUM_REDIS_TIMEOUT": 0.5,
        "FORUM_QUEUE_NAME": "kindred",
        "FORUM_PROXY_COUNT": 0,
        # Days after which the text of withdrawn and hidden posts is purged (`flask forum purge`).
        "FORUM_RETENTION_DAYS": 30,
    }

    if "DATABASE_URL" in os.environ:
        config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("REDIS_URL"):
        config["REDIS_URL"] = os.environ["REDIS_URL"]
    if os.environ.get("SECRET_KEY"):
        config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    for name, value in os.environ.items():
        if name.startswith("FORUM_") and name != "FORUM_ENV":
            config[name] = _coerce(value, config.get(name))
    config["RATELIMIT_ENABLED"] = _env_bool("FORUM_RATELIMIT_ENABLED", config["RATELIMIT_ENABLED"])

    config.update(overrides)
    config["SQLALCHEMY_DATABASE_URI"] = _database_url(config["SQLALCHEMY_DATABASE_URI"])
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite connections are cheap; a short wait on the write lock beats an error.
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 15}}

    if not config["SECRET_KEY"]:
        if production:
            raise ConfigError("SECRET_KEY must be set when FORUM_ENV=production.")
        config["SECRET_KEY"] = _dev_secret_key(instance_path)
    return config


def _coerce(value: str, default: Any) -> Any:
    """Read an environment string as the type of the default it replaces."""
    if isinstance(default, bool):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    return value
