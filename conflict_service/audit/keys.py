"""The audit key, kept outside the database, so that whoever can write the database cannot sign what they write.

One secret (``AUDIT_KEY``, or the file named by ``AUDIT_KEY_FILE``, by default ``audit.key`` in the instance folder,
created on first use) yields two keys: an HMAC key that signs every audit event's hash, and an Ed25519 key that
signs the checkpoints (the head of the chain at each verification). The Ed25519 public key may be published: with
it anyone can check a head printed by ``flask audit verify`` or shown on the transparency page.
"""

from __future__ import annotations

import base64
import hmac as std_hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

EXTENSION = "audit_keys"


@dataclass(frozen=True)
class AuditKeys:
    mac_key: bytes
    signing_key: Ed25519PrivateKey

    def event_mac(self, event_hash: str) -> str:
        mac = crypto_hmac.HMAC(self.mac_key, hashes.SHA256())
        mac.update(event_hash.encode())
        return mac.finalize().hex()

    def is_event_mac(self, event_hash: str, mac: str | None) -> bool:
        return mac is not None and std_hmac.compare_digest(self.event_mac(event_hash), mac)

    def sign_head(self, seq: int, head_hash: str) -> str:
        return base64.b64encode(self.signing_key.sign(_head_message(seq, head_hash))).decode()

    def is_head_signature(self, seq: int, head_hash: str, signature: str | None) -> bool:
        return signature is not None and verify_head(self.public_key(), seq, head_hash, signature)

    def public_key(self) -> str:
        raw = self.signing_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return base64.b64encode(raw).decode()


def _head_message(seq: int, head_hash: str) -> bytes:
    return f"audit-head:{seq}:{head_hash}".encode()


def verify_head(public_key: str, seq: int, head_hash: str, signature: str) -> bool:
    """Whether ``signature`` is the service's signature of the head (seq, hash); needs only the public key."""
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key))
        key.verify(base64.b64decode(signature), _head_message(seq, head_hash))
    except Exception:  # noqa: BLE001 - a malformed key or signature is simply not valid
        return False
    return True


def _derive(secret: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret)


def keys_from_secret(secret: bytes) -> AuditKeys:
    return AuditKeys(_derive(secret, b"audit-event-mac"),
                     Ed25519PrivateKey.from_private_bytes(_derive(secret, b"audit-checkpoint-ed25519")))


def key_file(app) -> Path:
    return Path(app.config.get("AUDIT_KEY_FILE") or Path(app.instance_path) / "audit.key")


def _read_or_create(path: Path) -> bytes:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        secret = path.read_bytes().strip()
        if len(secret) < 32:
            raise RuntimeError(f"The audit key file {path} holds fewer than 32 characters.") from None
        return secret
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_hex(32) + "\n")
    return path.read_bytes().strip()


def audit_keys(app=None) -> AuditKeys:
    """The keys of this installation (read once per application)."""
    app = app or current_app._get_current_object()
    keys = app.extensions.get(EXTENSION)
    if keys is None:
        configured = app.config.get("AUDIT_KEY")
        secret = configured.encode() if configured else _read_or_create(key_file(app))
        keys = app.extensions[EXTENSION] = keys_from_secret(secret)
    return keys
