"""The receipt: the reporter's only key to a report, 16 digits as GlobaLeaks has it (~53 bits).

Only a salted Argon2id hash of it is stored, so a stolen database does not give the receipts back."""

import functools
import hmac
import os
import re
import secrets
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from xiaobao.tipoffs.models import (
    Report,
)

RECEIPT_DIGITS = 16
RECEIPT_SALT_FILE = "receipt_salt"
# Argon2id with OWASP's minimum for password storage (19 MiB, 2 passes, 1 lane): slow enough that a
# stolen database does not give the receipts back, fast enough (~50 ms) for a look-up per request.
ARGON2_TIME_COST = 2
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_PARALLELISM = 1
ARGON2_HASH_BYTES = 32


@functools.lru_cache(maxsize=4)
def _salt_at(path: Path) -> bytes:
    if not path.exists():
        # Written beside the file and linked into place, which fails if another process won the race:
        # every process then reads the same salt, never a half-written one.
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        tmp.write_text(secrets.token_hex(16))
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    try:
        salt = bytes.fromhex(path.read_text().strip())
    except ValueError:
        salt = b""
    if len(salt) < 16:
        raise ImproperlyConfigured(f"{path} must hold at least 16 random bytes in hex.")
    return salt


def receipt_salt() -> bytes:
    """The site-wide salt, generated once into var/ like the secret key.

    The same salt for every receipt is what makes the hash a look-up key; losing the file makes every
    receipt unusable, so var/receipt_salt belongs in the backups with var/field_key.
    """
    return _salt_at(Path(settings.VAR_DIR) / RECEIPT_SALT_FILE)


def receipt_hash(receipt: str) -> str:
    raw = hash_secret_raw(
        secret=receipt.encode(),
        salt=receipt_salt(),
        time_cost=ARGON2_TIME_COST,
        memory_cost=ARGON2_MEMORY_KIB,
        parallelism=ARGON2_PARALLELISM,
        hash_len=ARGON2_HASH_BYTES,
        type=Type.ID,
    )
    return raw.hex()


def receipt_new() -> tuple[str, str]:
    while True:
        receipt = f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"
        digest = receipt_hash(receipt)
        if not Report.objects.filter(receipt_hash=digest).exists():
            return receipt, digest


def report_for_receipt(receipt: str) -> Report | None:
    """The report the receipt opens, or None: a wrong receipt and a missing one look the same."""
    digits = re.sub(r"[\s\-]", "", receipt or "")
    if not re.fullmatch(rf"\d{{{RECEIPT_DIGITS}}}", digits):
        return None
    digest = receipt_hash(digits)
    report = Report.objects.filter(receipt_hash=digest).first()
    if report is None or not hmac.compare_digest(report.receipt_hash, digest):
        return None
    return report
