"""Encrypt platform API tokens at rest.

The key comes from TOKEN_ENCRYPTION_KEY (any secret string; several comma-separated keys rotate:
the first encrypts, all decrypt). Fernet gives authenticated encryption, so a tampered or
foreign ciphertext is refused instead of decrypting to garbage.
"""

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class TokenDecryptionError(Exception):
    """The stored token cannot be read with the configured keys."""


@lru_cache(maxsize=4)
def _fernet(key_setting: str) -> MultiFernet:
    keys = [key.strip() for key in key_setting.split(",") if key.strip()]
    if not keys:
        raise ValueError("TOKEN_ENCRYPTION_KEY is empty.")
    return MultiFernet(
        [Fernet(base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest())) for key in keys]
    )


def encrypt_token(plaintext: str) -> str:
    if not plaintext:
        return ""
    return _fernet(settings.TOKEN_ENCRYPTION_KEY).encrypt(plaintext.encode()).decode()


def decrypt_token(ciphertext: str) -> str:
    if not ciphertext:
        return ""
    try:
        return _fernet(settings.TOKEN_ENCRYPTION_KEY).decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise TokenDecryptionError("The token was encrypted with another key.") from exc
