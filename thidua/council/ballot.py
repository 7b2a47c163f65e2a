"""Sealed ballots: each vote is encrypted to its session's key, whose private half the database
never holds (docs/decisions/0005-secret-ballot.md).

- `new_key_pair()` at opening: X25519. The public half is stored on the session; the private
  half goes to a file under `settings.BALLOT_KEY_DIR` (var/ballot-keys by default), readable by
  the server only, and is destroyed when the session closes.
- `seal()` per vote: an ephemeral X25519 exchange with the session key, HKDF-SHA256, then
  ChaCha20-Poly1305 over the choice padded to 16 bytes, with the agenda item as associated data
  (a sealed vote moved to another item does not open). Every sealed vote is `SEALED_SIZE`
  bytes, whatever the choice, and two seals of one choice share no byte pattern.
- `unseal()` at closing, in memory only.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings

KEY_SIZE = 32
NONCE_SIZE = 12
PADDED_CHOICE = 16
TAG_SIZE = 16
SEALED_SIZE = KEY_SIZE + NONCE_SIZE + PADDED_CHOICE + TAG_SIZE  # 76 bytes
_INFO = b"thidua council ballot v1"


class BallotKeyMissing(Exception):
    """The session's private key is not on this server (lost, or another server's)."""


class BallotUnreadable(Exception):
    """A sealed vote does not open with the session key: altered, or of another item."""


def _raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def new_key_pair() -> tuple[bytes, bytes]:
    """(private, public), 32 raw bytes each."""
    private = X25519PrivateKey.generate()
    return private.private_bytes_raw(), _raw_public(private.public_key())


def _cipher(shared: bytes, ephemeral: bytes, public: bytes) -> ChaCha20Poly1305:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO + ephemeral + public)
    return ChaCha20Poly1305(key.derive(shared))


def _aad(item_id: int) -> bytes:
    return f"agenda-item:{item_id}".encode()


def seal(public: bytes, choice: str, item_id: int) -> bytes:
    """The choice encrypted to the session's public key; `SEALED_SIZE` bytes for any choice."""
    plain = choice.encode()
    if len(plain) > PADDED_CHOICE:
        raise ValueError(choice)
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = _raw_public(ephemeral.public_key())
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public))
    nonce = secrets.token_bytes(NONCE_SIZE)
    sealed = _cipher(shared, ephemeral_public, public).encrypt(
        nonce, plain.ljust(PADDED_CHOICE, b"\0"), _aad(item_id)
    )
    return ephemeral_public + nonce + sealed


def unseal(private: bytes, sealed: bytes, item_id: int) -> str:
    """The choice inside a sealed vote, or BallotUnreadable."""
    key = X25519PrivateKey.from_private_bytes(private)
    public = _raw_public(key.public_key())
    if len(sealed) != SEALED_SIZE:
        raise BallotUnreadable
    ephemeral, nonce, body = sealed[:KEY_SIZE], sealed[KEY_SIZE:44], sealed[44:]
    shared = key.exchange(X25519PublicKey.from_public_bytes(ephemeral))
    try:
        plain = _cipher(shared, ephemeral, public).decrypt(nonce, body, _aad(item_id))
    except InvalidTag as exc:
        raise BallotUnreadable from exc
    return plain.rstrip(b"\0").decode()


# ------------------------------------------------------------------ the key store


def key_dir() -> Path:
    return Path(settings.BALLOT_KEY_DIR)


def _path(session_id: int) -> Path:
    return key_dir() / f"session-{session_id}.key"


def store_private_key(session_id: int, private: bytes) -> None:
    """Write the private key where only the server's user can read it (0600), never to the
    database."""
    directory = key_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = _path(session_id)
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(private)
        file.flush()
        os.fsync(file.fileno())
    temporary.replace(path)


def load_private_key(session_id: int, public: bytes) -> bytes:
    """The private half of `public`, or BallotKeyMissing (no file, or a stale one)."""
    try:
        private = _path(session_id).read_bytes()
    except FileNotFoundError as exc:
        raise BallotKeyMissing from exc
    if len(private) != KEY_SIZE:
        raise BallotKeyMissing
    derived = _raw_public(X25519PrivateKey.from_private_bytes(private).public_key())
    if not public or not secrets.compare_digest(derived, public):
        raise BallotKeyMissing
    return private


def destroy_private_key(session_id: int) -> None:
    """Overwrite, then remove the key file. Overwriting is best effort on journaling file
    systems and SSDs: keep var/ballot-keys out of backups (see the decision record)."""
    path = _path(session_id)
    try:
        with path.open("r+b") as file:
            file.write(b"\0" * KEY_SIZE)
            file.flush()
            os.fsync(file.fileno())
        path.unlink()
    except FileNotFoundError:
        return
