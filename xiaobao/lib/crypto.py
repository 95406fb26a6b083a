"""Personal data at rest: Fernet tokens for encrypted columns (core.fields) and keyed hashes for look-ups."""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in settings.FIELD_ENCRYPTION_KEYS])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        # A value written under a key that is no longer configured: say so rather than leak a token.
        return "（无法解密）"


def lookup_hash(value: str) -> str:
    """A keyed hash, so duplicates can be found by ID number or phone without storing them in clear."""
    key = settings.FIELD_ENCRYPTION_KEYS[0].encode()
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()
