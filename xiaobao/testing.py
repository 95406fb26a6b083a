"""The people every test speaks of, and a complaint factory that goes through the real services."""

import secrets
import shutil
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.core.cache import cache
from django.db.models import Manager, Model, QuerySet
from django.http import HttpResponseBase, StreamingHttpResponse
from django.test import Client, TestCase, override_settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from xiaobao.accounts.models import User
from xiaobao.accounts.tokens import api_token_issue
from xiaobao.accounts.two_factor import totp_device_set
from xiaobao.complaints.models import Complaint
from xiaobao.complaints.services import complaint_submit
from xiaobao.registry.models import Authority, Category, Institution, Label

M = TypeVar("M", bound=Model)


def first_of(rows: QuerySet[M] | Manager[M]) -> M:
    """The first row of reference data a test relies on; failing here names the missing row."""
    row = rows.first()
    assert row is not None, f"no {rows.model.__name__} row where the test expects one"
    return row


T = TypeVar("T")


def present(value: T | None) -> T:
    """A value the test expects to be there (a row's optional relation, a match)."""
    assert value is not None, "expected a value, got None"
    return value


def streamed(response: HttpResponseBase) -> bytes:
    """The whole body of a streamed response (exports, downloads)."""
    assert isinstance(response, StreamingHttpResponse), f"{type(response).__name__} is not streamed"
    return b"".join(cast(Iterator[bytes], response.streaming_content))


def worksheet(workbook: Workbook) -> Worksheet:
    """The sheet an XLSX file opens on."""
    sheet = workbook.active
    assert isinstance(sheet, Worksheet), "the workbook opens on no worksheet"
    return sheet


# The TOTP secret (base32) of the device every test gives a staff member who signs in.
TEST_AUTHENTICATOR_KEY = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_device_for(user: User) -> TOTPDevice:
    """The staff member's confirmed authenticator, as if enrolled on first sign-in."""
    return totp_device_set(user=user, secret=TEST_AUTHENTICATOR_KEY)


def totp_code_for(user: User) -> str:
    """The code the staff member's authenticator shows now. The device forgets the last code it accepted,
    so a test may sign the same person in twice within one 30-second step."""
    device = totp_device_for(user)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def bearer(user: User, *, name: str | None = None) -> dict[str, str]:
    """The Authorization header of a system holding one of the user's API tokens (a new one unless named:
    a token issued under a name replaces the one held under it)."""
    _token, key = api_token_issue(user=user, name=name or f"test-{secrets.token_hex(4)}")
    return {"Authorization": f"Bearer {key}"}


class SignInClient(Client):
    """The test client, signing staff in with both factors: force_login and login give a staff member a
    confirmed authenticator and mark the session verified, as the second-factor page does after a right code."""

    def force_login(self, user: Any, backend: str | None = None) -> None:
        super().force_login(user, backend)
        self._verify(user)

    def login(self, **credentials: Any) -> bool:
        signed_in = super().login(**credentials)
        if signed_in:
            user = User.objects.get(pk=self.session["_auth_user_id"])
            self._verify(user)
        return signed_in

    def _verify(self, user: User) -> None:
        if not user.needs_second_factor:
            return
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = totp_device_for(user).persistent_id
        session.save()


def bank(name: str) -> Institution:
    return Institution.objects.get(name=name)


class BaseTestCase(TestCase):
    """Personas, one line each:

    - Carla, a consumer with an account, complains about her bank.
    - Ivan handles complaints at ICBC's Jilin provincial branch (and sees its branches' complaints).
    - Bob handles complaints at another bank; he must not see ICBC's.
    - Rita is staff at the provincial banking and insurance regulator.
    - Pei is staff at the central bank's Jilin branch: credit reporting, cash and payments at any institution.
    - Lou is staff at Changchun's local financial regulator: small-loan companies and the like in Changchun.
    - Mei is a mediator; complaints are not hers until a dispute is assigned to her.
    - Oscar is another consumer; he sees nothing of Carla's.
    - Ada administers the platform.

    Staff sign in with two factors: self.client is a SignInClient.
    """

    client_class = SignInClient

    icbc: Institution
    icbc_changchun: Institution
    other_bank: Institution
    nfra: Authority
    pboc: Authority
    changchun_local: Authority
    carla: User
    oscar: User
    ivan: User
    bob: User
    rita: User
    pei: User
    lou: User
    mei: User
    ada: User
    credit_card: Category

    @classmethod
    def setUpTestData(cls) -> None:
        cls.icbc = Institution.objects.get(name="中国工商银行股份有限公司吉林省分行")
        cls.icbc_changchun = cls.icbc.branches.filter(region__code__startswith="2201").first() or cls.icbc
        cls.other_bank = Institution.objects.get(name="吉林银行股份有限公司")
        cls.nfra = Authority.objects.get(code="nfra-jilin")
        cls.pboc = Authority.objects.get(code="pboc-jilin")
        cls.changchun_local = Authority.objects.get(code="local-changchun")
        cls.carla = User.objects.create_user(
            "carla", password="pw-carla-123", role=User.Role.CONSUMER, display_name="Carla"
        )
        cls.oscar = User.objects.create_user(
            "oscar", password="pw-oscar-123", role=User.Role.CONSUMER, display_name="Oscar"
        )
        cls.ivan = User.objects.create_user(
            "ivan", password="pw-ivan-123", role=User.Role.INSTITUTION, institution=cls.icbc, display_name="Ivan"
        )
        cls.bob = User.objects.create_user(
            "bob", password="pw-bob-123", role=User.Role.INSTITUTION, institution=cls.other_bank, display_name="Bob"
        )
        cls.rita = User.objects.create_user(
            "rita", password="pw-rita-123", role=User.Role.REGULATOR, authority=cls.nfra, display_name="Rita"
        )
        cls.pei = User.objects.create_user(
            "pei", password="pw-pei-123", role=User.Role.REGULATOR, authority=cls.pboc, display_name="Pei"
        )
        cls.lou = User.objects.create_user(
            "lou", password="pw-lou-123", role=User.Role.REGULATOR, authority=cls.changchun_local, display_name="Lou"
        )
        cls.mei = User.objects.create_user("mei", password="pw-mei-123", role=User.Role.MEDIATOR, display_name="Mei")
        cls.ada = User.objects.create_user(
            "ada", password="pw-ada-123", role=User.Role.ADMIN, is_staff=True, is_superuser=True, display_name="Ada"
        )
        cls.credit_card = first_of(
            Category.objects.filter(dimension=Category.Dimension.BUSINESS, name__contains="信用卡")
        )

    def use_fresh_pages(self) -> None:
        """For tests that post pages: rate limits and cached pages start empty, and uploaded files go to a
        temporary folder removed after the test."""
        cache.clear()
        self.media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.media, ignore_errors=True)
        media = override_settings(MEDIA_ROOT=self.media)
        media.enable()
        self.addCleanup(media.disable)

    def file_complaint(
        self, *, by: User | None = None, institution: Institution | None = None, **overrides: Any
    ) -> tuple[Complaint, str]:
        """A complaint as a consumer would file it on the web form."""
        fields: dict[str, Any] = {
            "via": Complaint.Via.WEB,
            "institution": institution or self.icbc_changchun,
            "business": self.credit_card,
            "summary": "信用卡年费未经同意被扣收",
            "narrative": "本人于2026年3月办理信用卡，办理时工作人员承诺免年费，但本月账单扣收年费600元，多次致电客服未获解决。",
            "complainant_name": "张丽",
            "phone": "13812345678",
            "id_number": "220102199003071235",
            "amount": Decimal("600.00"),
            "demands": [Label.objects.get(kind=Label.Kind.DEMAND, name="退费")],
        }
        fields.update(overrides)
        complaint, code, _created = complaint_submit(by=by, **fields)
        return complaint, code
