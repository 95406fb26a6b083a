"""The second factor of staff sign-in: a TOTP app (RFC 6238) and single-use recovery codes.

django-otp keeps the devices; here are the platform's rules around them: who needs one, how one is
enrolled, and what a code is checked against.
"""

from base64 import b32decode, b32encode
from binascii import unhexlify

import segno
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from xiaobao.accounts.models import User

# Enough for a year of lost phones; each is used once.
RECOVERY_CODES = 10
TOTP_NAME = "TOTP"
RECOVERY_NAME = "recovery"


def has_second_factor(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def totp_secret(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed in: base32, without padding."""
    return b32encode(unhexlify(device.key)).decode().rstrip("=")


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code, drawn on the server: no script, nothing fetched."""
    qr = segno.make(device.config_url, error="m")
    return qr.svg_inline(scale=5, border=2, dark="#000", light="#fff", omitsize=False)


@transaction.atomic
def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """The unconfirmed device a user is enrolling; the same one until confirmed, so a reload keeps the QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_enrolment_confirm(*, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device with a code from the app; returns the new recovery codes, or None for a wrong code."""
    if not device.verify_token(code.strip().replace(" ", "")):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    return recovery_codes_issue(user=device.user)


@transaction.atomic
def recovery_codes_issue(*, user: User) -> list[str]:
    """A fresh set of recovery codes, replacing any earlier set."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def second_factor_check(*, user: User, code: str) -> Device | None:
    """The confirmed device that accepts this code (a TOTP code, or a recovery code, then used up), or None.

    Each device counts wrong codes and refuses for a growing time after repeated failures (django-otp's
    throttling), so the six digits cannot be guessed through."""
    code = code.strip().replace(" ", "").replace("-", "").lower()
    if not code:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(code):
                return device
    return None


@transaction.atomic
def totp_device_set(*, user: User, secret: str) -> TOTPDevice:
    """Give an account one confirmed TOTP device with a known base32 secret (the demo accounts share one)."""
    key = b32decode(secret.upper() + "=" * (-len(secret) % 8)).hex()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        return TOTPDevice.objects.create(user=user, name=TOTP_NAME, key=key, confirmed=True)
    if device.key != key:
        device.key, device.last_t = key, -1
        device.save(update_fields=["key", "last_t"])
    return device
