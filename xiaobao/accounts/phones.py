"""Mobile numbers on accounts: one-time codes sent by text, registration, sign-in and password reset by code.

A code is six digits, stored only as a keyed hash, good for the policy's minutes and number of tries, used
once; a newer code for the same number and purpose replaces the older one. Codes to a number are limited
per hour and per day (security policy), and a code is recorded even when no text goes out (a number with no
account asking to reset), so the limits and the answers say nothing about which numbers have accounts.
"""

import hmac
import secrets
from datetime import datetime, time, timedelta

from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal, receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaobao.accounts.models import PhoneCode, User
from xiaobao.accounts.policy import security_policy
from xiaobao.core.notify import Notice
from xiaobao.core.sms import Purpose as SmsPurpose
from xiaobao.core.sms import sms_count_since, sms_send
from xiaobao.core.time import now
from xiaobao.lib.crypto import lookup_hash
from xiaobao.lib.phones import mobile_e164

CODE_DIGITS = 6

# Sent with the account when its owner has proved a mobile number (registration, a sign-in by code, any
# sign-in of an account with a verified number): the complaints app links the guest complaints filed with it.
phone_verified = Signal()


def start_of_today() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(now()), time.min))


def _code_hash(phone_hash: str, purpose: str, code: str) -> str:
    return lookup_hash(f"{phone_hash}:{purpose}:{code}")


def phone_code_limit(e164: str) -> str:
    """Why no code may go to this number now, or "" when one may."""
    policy = security_policy()
    at = now()
    rows = PhoneCode.objects.filter(phone_hash=lookup_hash(e164))
    latest = rows.order_by("-created_at").values_list("created_at", flat=True).first()
    if latest is not None and (at - latest).total_seconds() < policy.sms_code_interval_seconds:
        return str(_("验证码发送过于频繁，请 %(seconds)d 秒后再试。") % {"seconds": policy.sms_code_interval_seconds})
    if rows.filter(created_at__gte=at - timedelta(hours=1)).count() >= policy.sms_codes_per_number_per_hour:
        return str(_("该号码一小时内获取验证码的次数已达上限，请稍后再试。"))
    if rows.filter(created_at__gte=start_of_today()).count() >= policy.sms_codes_per_number_per_day:
        return str(_("该号码今天获取验证码的次数已达上限，请明天再试。"))
    return ""


@transaction.atomic
def phone_code_issue(*, phone: str, purpose: str, deliver: bool = True) -> PhoneCode:
    """A new code for the number (E.164), texted when `deliver`. Raises ValidationError past a limit."""
    refusal = phone_code_limit(phone)
    if refusal:
        raise ValidationError(refusal, code="rate_limited")
    phone_hash = lookup_hash(phone)
    at = now()
    PhoneCode.objects.filter(phone_hash=phone_hash, purpose=purpose, used_at__isnull=True).update(used_at=at)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    minutes = security_policy().sms_code_minutes
    row = PhoneCode.objects.create(
        phone_hash=phone_hash,
        purpose=purpose,
        code_hash=_code_hash(phone_hash, purpose, code),
        created_at=at,
        expires_at=at + timedelta(minutes=minutes),
    )
    if deliver:
        sms_send(to=phone, purpose=SmsPurpose.CODE, params={"code": code, "minutes": str(minutes)})
    return row


def phone_code_check(*, phone: str, purpose: str, code: str) -> bool:
    """Whether the code is the number's live code for the purpose; a right code is used up, a wrong one
    counts against the policy's tries. Committed on its own, so a refused form still counts the try."""
    phone_hash = lookup_hash(phone)
    code = "".join(code.split())
    with transaction.atomic():
        row = (
            PhoneCode.objects.select_for_update()
            .filter(phone_hash=phone_hash, purpose=purpose, used_at__isnull=True, expires_at__gt=now())
            .order_by("-created_at")
            .first()
        )
        if row is None or row.attempts >= security_policy().sms_code_attempts:
            return False
        if hmac.compare_digest(row.code_hash, _code_hash(phone_hash, purpose, code)):
            row.used_at = now()
            row.save(update_fields=["used_at"])
            return True
        row.attempts += 1
        row.save(update_fields=["attempts"])
        return False


def user_with_phone(e164: str) -> User | None:
    return User.objects.filter(phone_hash=lookup_hash(e164), is_active=True).first()


def username_for_phone(e164: str) -> str:
    """The account name of a consumer who registered with a number: the number as written at home."""
    return e164[3:] if e164.startswith("+86") else e164.lstrip("+")


@transaction.atomic
def consumer_register(*, phone: str, display_name: str, password: str, sms_notices: bool) -> User:
    """A consumer account for a number whose code has been checked; the password already validated."""
    phone_hash = lookup_hash(phone)
    if User.objects.filter(phone_hash=phone_hash).exists():
        raise ValidationError(_("该手机号码已注册，请直接登录；忘记密码可以找回。"), code="taken")
    username = username_for_phone(phone)
    if User.objects.filter(username=username).exists():
        raise ValidationError(_("该手机号码已注册，请直接登录；忘记密码可以找回。"), code="taken")
    user = User(
        username=username,
        role=User.Role.CONSUMER,
        display_name=display_name.strip(),
        phone=phone,
        phone_hash=phone_hash,
        phone_verified_at=now(),
        sms_notices=sms_notices,
    )
    user.set_password(password)
    user.save()
    phone_verified.send(sender=User, user=user)
    return user


@transaction.atomic
def password_set(*, user: User, password: str) -> User:
    """A new password (already validated); the signal on User ends its API tokens."""
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


@receiver(user_logged_in, dispatch_uid="accounts.phone_verified_on_sign_in")
def _link_on_sign_in(sender: object, user: User, **kwargs: object) -> None:
    """Complaints filed as a guest since the last visit, with the account's verified number, join the account."""
    if isinstance(user, User) and user.role == User.Role.CONSUMER and user.phone_hash:
        phone_verified.send(sender=User, user=user)


def sms_notice_send(notice: Notice) -> None:
    """The SMS channel of notify(): accounts whose owners chose texts, and the number a guest gave. Texts
    past the policy's daily number per phone are recorded as skipped, not sent."""
    numbers = [u.phone for u in notice.users if getattr(u, "sms_notices", False) and u.phone and u.is_active]
    guest = mobile_e164(notice.phone) if notice.phone else None
    if guest:
        numbers.append(guest)
    if not numbers:
        return
    limit = security_policy().sms_notices_per_number_per_day
    since = start_of_today()
    for to in dict.fromkeys(numbers):
        over = sms_count_since(to, since, purposes=(SmsPurpose.NOTICE,)) >= limit
        sms_send(to=to, purpose=SmsPurpose.NOTICE, params={"text": notice.text}, skip=over)


@transaction.atomic
def phone_set(*, user: User, phone: str, sms_notices: bool) -> User:
    """A number whose code has been checked becomes the account's; a number another account holds is refused."""
    phone_hash = lookup_hash(phone)
    if User.objects.filter(phone_hash=phone_hash).exclude(pk=user.pk).exists():
        raise ValidationError(_("该手机号码已由另一个账户验证。"), code="taken")
    user.phone, user.phone_hash, user.phone_verified_at, user.sms_notices = phone, phone_hash, now(), sms_notices
    user.save(update_fields=["phone", "phone_hash", "phone_verified_at", "sms_notices"])
    phone_verified.send(sender=User, user=user)
    return user


@transaction.atomic
def sms_notices_set(*, user: User, on: bool) -> User:
    user.sms_notices = on and bool(user.phone_hash)
    user.save(update_fields=["sms_notices"])
    return user
