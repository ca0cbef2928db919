"""Keys derived from the server secret: keyed digests and sealed (encrypted) values.

Both are what keeps anonymous posts unlinkable in a copy of the database: a digest
cannot be computed, and a sealed value cannot be read, without the secret. Sealing uses
Fernet (AES-128-CBC with HMAC-SHA256, a random IV per value), so two seals of the same
value look unrelated.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app


def _secret() -> bytes:
    return current_app.config["SECRET_KEY"].encode()


def keyed_digest(purpose: str, *parts: object) -> bytes:
    """HMAC-SHA256 of the parts under the server secret, separated by purpose."""
    message = ":".join([purpose, *map(str, parts)]).encode()
    return hmac.new(_secret(), message, hashlib.sha256).digest()


@lru_cache(maxsize=8)
def _fernet(secret: bytes) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"kindred sealed values"
    ).derive(secret)
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(value: str) -> str:
    """Encrypt a short text for storage; only this server's secret opens it."""
    return _fernet(_secret()).encrypt(value.encode()).decode()


def unseal(token: str | None) -> str | None:
    """The text a `seal` call stored, or None when there is none or it does not open."""
    if not token:
        return None
    try:
        return _fernet(_secret()).decrypt(token.encode()).decode()
    except InvalidToken:
        return None
