"""The log's Ed25519 signing key: from THIDUA_LOG_KEY (the 32-byte private key, hex or
base64), else generated once into var/log_key.pem (mode 600). Never in the repository."""

from __future__ import annotations

import base64
import binascii
import functools
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _from_env(text: str) -> Ed25519PrivateKey:
    text = text.strip()
    try:
        raw = bytes.fromhex(text) if len(text) == 64 else base64.b64decode(text, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise ImproperlyConfigured("THIDUA_LOG_KEY is neither hex nor base64.") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured("THIDUA_LOG_KEY must hold a 32-byte Ed25519 private key.")
    return Ed25519PrivateKey.from_private_bytes(raw)


def _from_file(path: Path) -> Ed25519PrivateKey:
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{path} does not hold an Ed25519 key.")
    return loaded


@functools.cache
def signing_key() -> Ed25519PrivateKey:
    text = os.environ.get("THIDUA_LOG_KEY", "")
    if text:
        return _from_env(text)
    return _from_file(Path(settings.VAR_DIR) / "log_key.pem")


def public_key() -> Ed25519PublicKey:
    return signing_key().public_key()


def public_key_bytes() -> bytes:
    return public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
