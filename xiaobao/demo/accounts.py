"""The demo accounts `make run` prints, one per role, each at the organisation the demo is about."""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from xiaobao.accounts.models import User
from xiaobao.accounts.two_factor import totp_device_set
from xiaobao.registry.models import Authority, Institution

DEMO_EMAIL_DOMAIN = "demo.invalid"  # RFC 2606: reserved, never delivered; marks every generated account
DEMO_CONSUMER = "demo-consumer"
DEMO_REGULATOR = "demo-regulator"
DEMO_PBOC = "demo-pboc"
DEMO_FUNDRAISING = "demo-fundraising"
DEMO_CHECKER = "demo-checker"
# demo-bank's organisation administrator: opens and closes the staff accounts of its institution.
DEMO_BANK_ADMIN = "demo-bank-admin"
# (username, role, display name, organisation)
DEMO_ACCOUNTS: tuple[tuple[str, str, str, tuple[str, str] | None], ...] = (
    (DEMO_CONSUMER, User.Role.CONSUMER, "王丽华", None),
    ("demo-bank", User.Role.INSTITUTION, "刘志强", ("institution", "中国工商银行股份有限公司吉林省分行")),
    (DEMO_BANK_ADMIN, User.Role.INSTITUTION, "何建国", ("institution", "中国工商银行股份有限公司吉林省分行")),
    ("demo-bank2", User.Role.INSTITUTION, "孙雪梅", ("institution", "吉林银行股份有限公司")),
    (DEMO_REGULATOR, User.Role.REGULATOR, "赵振宇", ("authority", "nfra-jilin")),
    # A second officer at the same regulator: credit-list entries are checked by someone other than the drafter.
    (DEMO_CHECKER, User.Role.REGULATOR, "钱文博", ("authority", "nfra-jilin")),
    ("demo-city-regulator", User.Role.REGULATOR, "陈静", ("authority", "local-changchun")),
    (DEMO_PBOC, User.Role.REGULATOR, "高明远", ("authority", "pboc-jilin")),
    (DEMO_FUNDRAISING, User.Role.REGULATOR, "孙立新", ("authority", "fundraising-jilin")),
    ("demo-mediator", User.Role.MEDIATOR, "周文斌", None),
    ("demo-admin", User.Role.ADMIN, "郑海涛", None),
    ("demo-auditor", User.Role.AUDITOR, "吴秀兰", None),
)


def demo_accounts_write() -> dict[str, User]:
    """Create or reset the demo accounts, all with the one published password."""
    accounts = {}
    # One hash for the one password: Argon2 is slow on purpose, once per account is seconds.
    password = make_password(settings.DEMO_PASSWORD)
    for username, role, name, org in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role, user.display_name = role, name
        user.last_name, user.first_name = name[0], name[1:]
        user.email = f"{username}@{DEMO_EMAIL_DOMAIN}"
        user.institution = Institution.objects.get(name=org[1]) if org and org[0] == "institution" else None
        user.authority = Authority.objects.filter(code=org[1]).first() if org and org[0] == "authority" else None
        user.is_staff = user.is_superuser = role == User.Role.ADMIN
        user.manages_staff = username == DEMO_BANK_ADMIN
        user.is_active = True
        user.password = password
        user.save()
        accounts[username] = user
    return accounts


def demo_second_factor_seed() -> str | None:
    """Every demo staff account gets a confirmed authenticator with the one published TOTP secret
    (settings.DEMO_TOTP_SECRET), so anyone trying the demo can pass the second step of sign-in."""
    staff = [u for u in User.objects.filter(username__in=[a[0] for a in DEMO_ACCOUNTS]) if u.needs_second_factor]
    before = {d.user_id: d.key for d in TOTPDevice.objects.filter(user__in=staff, confirmed=True)}
    changed = 0
    for user in staff:
        device = totp_device_set(user=user, secret=settings.DEMO_TOTP_SECRET)
        changed += before.get(user.pk) != device.key
    return f"second factor: {changed} demo staff accounts" if changed else None
