"""Encryption at rest for personal fields (身份证号, 手机号) and the keyed hashes beside them.

Values are Fernet tokens (AES-128-CBC + HMAC-SHA256) under ``settings.FIELD_KEY``. Because a token
is different each time, equality lookups go through a keyed hash (HMAC-SHA256) stored beside the
value: it serves uniqueness and lookup without revealing the value to someone without the key.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

PREFIX = "enc1:"


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode())


@lru_cache(maxsize=4)
def _hash_key(key: str) -> bytes:
    return hashlib.sha256(b"zhibu-keyed-hash\x00" + key.encode()).digest()


def encrypt(value: str) -> str:
    """Encrypt a non-empty string; the empty string stays empty so blank checks still work."""
    if not value:
        return ""
    return PREFIX + _fernet(settings.FIELD_KEY).encrypt(value.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored or not stored.startswith(PREFIX):
        return stored or ""
    try:
        return _fernet(settings.FIELD_KEY).decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise InvalidToken(
            "无法解密个人信息字段：ZHIBU_FIELD_KEY 与写入数据时的密钥不一致"
        ) from exc


def is_encrypted(stored: str) -> bool:
    return bool(stored) and stored.startswith(PREFIX)


def keyed_hash(value: str, *, purpose: str) -> str:
    """Deterministic HMAC of ``value`` for lookups; ``purpose`` keeps columns from matching."""
    if not value:
        return ""
    msg = f"{purpose}\x00{value}".encode()
    return hmac.new(_hash_key(settings.FIELD_KEY), msg, hashlib.sha256).hexdigest()


def key_fingerprint() -> str:
    """A short public fingerprint of the field key, to check a restore uses the same key."""
    return keyed_hash("fingerprint", purpose="key")[:16]
