"""The people every test speaks of, and a complaint factory that goes through the real services."""

import shutil
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.core.cache import cache
from django.db.models import Manager, Model, QuerySet
from django.http import HttpResponseBase, StreamingHttpResponse
from django.test import TestCase, override_settings
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from xiaobao.accounts.models import User
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


def bank(name: str) -> Institution:
    return Institution.objects.get(name=name)


class BaseTestCase(TestCase):
    """Personas, one line each:

    - Carla, a consumer with an account, complains about her bank.
    - Ivan handles complaints at ICBC's Jilin provincial branch (and sees its branches' complaints).
    - Bob handles complaints at another bank; he must not see ICBC's.
    - Rita is staff at the provincial banking and insurance regulator.
    - Pat is staff at the central bank's Jilin branch: credit reporting, cash and payments at any institution.
    - Lou is staff at Changchun's local financial regulator: small-loan companies and the like in Changchun.
    - Mei is a mediator; complaints are not hers until a dispute is assigned to her.
    - Oscar is another consumer; he sees nothing of Carla's.
    - Ada administers the platform.
    """

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
    pat: User
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
        cls.pat = User.objects.create_user(
            "pat", password="pw-pat-123", role=User.Role.REGULATOR, authority=cls.pboc, display_name="Pat"
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
