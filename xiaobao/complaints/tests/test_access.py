"""Who can reach which complaint: every persona against every party's complaints, through every API
endpoint and every page that takes a complaint number, and the audit of every staff look at a
complainant's personal data.

The matrix below is the specification. Allowed callers are answered (a 400 or a 403 for an action
their side may not take still means the complaint was reached); everyone else gets exactly the
answer a never-issued number gets, with nothing of the complaint in it.
"""

import csv
import io
import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, resolve, reverse

from xiaobao import api_urls
from xiaobao.accounts.models import User
from xiaobao.complaints import urls as page_urls
from xiaobao.complaints.models import Complaint, Message, PersonalDataRead
from xiaobao.complaints.services import (
    complaint_accept,
    complaint_submit,
    complaint_supervise,
    complaint_transfer,
    message_post,
)
from xiaobao.registry.models import Category, Institution
from xiaobao.testing import BaseTestCase, bearer, present, streamed, worksheet

# ---------------------------------------------------------------------------------------------
# The matrix

# One complaint per kind of owner and handler.
COMPLAINTS = {
    "carla_sent": "Carla → ICBC's Changchun branch; accepted by Rita, sent to the bank, under supervision",
    "carla_unsent": "Carla → ICBC; not yet accepted, so still between Carla and the regulator",
    "oscar_jlbank": "Oscar → 吉林银行 (Bob's bank); accepted, sent, under supervision",
    "guest_loan": "a guest → a 长春 small-loan company; routed to local-changchun",
    "phone_insurer": "entered by Lou from a phone call → an insurer; routed to nfra-jilin",
    "carla_credit": "Carla → ICBC's Changchun branch about her credit report (个人征信); routed by its business "
    "to pboc-jilin, which accepted it; copied (抄送) to nfra-jilin, the bank's own regulator",
}
ALL = frozenset(COMPLAINTS)

# Who may see what, and why.
SEES: dict[str, frozenset[str]] = {
    "carla": frozenset(
        {"carla_sent", "carla_unsent", "carla_credit"}
    ),  # a consumer sees every complaint she filed, in any state
    "oscar": frozenset({"oscar_jlbank"}),  # his own, and nothing of Carla's
    "ivan": frozenset(
        {"carla_sent", "carla_credit"}
    ),  # ICBC and its branches, only once the regulator has sent the complaint
    "bob": frozenset({"oscar_jlbank"}),  # 吉林银行's sent complaint; never ICBC's
    # everything routed to nfra-jilin, and the copy of the credit-reporting complaint about a bank it oversees;
    # small-loan companies are local-changchun's
    "rita": ALL - {"guest_loan"},
    "pei": frozenset({"carla_credit"}),  # the central bank's matters; the bank's other complaints are not its own
    "lou": frozenset({"guest_loan"}),  # local-changchun's; typing in the insurer's complaint gave Lou no access
    "mei": frozenset(),  # a mediator has no complaint until a dispute is assigned to her
    "ada": ALL,  # the administrator sees every complaint (access.complaints_for), though acts on none
    "anonymous": frozenset(),  # not signed in, no code proved
    "guest": frozenset({"guest_loan"}),  # this session proved guest_loan's number and code, and no other
}
PERSONAS = tuple(SEES)
# The API knows only signed-in callers: it answers 401 before it looks a number up, for the guest too.
SIGNED_OUT = frozenset({"anonymous", "guest"})
API_SEES = {p: frozenset() if p in SIGNED_OUT else seen for p, seen in SEES.items()}
# A guest has no list, only the one number and code: lists show what the API shows.
LISTED = API_SEES
# Handlers see supervision notices, work queues and exports; complainants and mediators do not.
STAFF = frozenset({"ivan", "bob", "rita", "pei", "lou", "ada"})

# A number that was never issued: what "does not exist" looks like, which "not yours" must match.
GHOST = "JL-19990101-000001"

# Status codes that prove the complaint was reached: the form or body was wrong (200 re-render, 400),
# the action went through (200, 201, 302), or the caller's side may not take it (403, with the reason).
REACHED_BY_POST = frozenset({200, 201, 302, 400, 403})


@dataclass(frozen=True)
class Surface:
    """One way of reaching a complaint: an endpoint, its method and the body sent (empty or nearly:
    the probe rolls back whatever an allowed caller's request did)."""

    name: str
    method: str
    url: Callable[["AccessMatrixTestCase", str, str], str | None]  # (test, number, complaint key) → URL
    api: bool = False
    data: dict[str, Any] = field(default_factory=dict)
    staff_only: bool = False  # complainants never see supervision notices, even on their own complaint


def _api(name: str) -> Callable[["AccessMatrixTestCase", str, str], str]:
    return lambda t, number, key: reverse(f"api:complaint-{name}", kwargs={"number": number})


def _page(name: str) -> Callable[["AccessMatrixTestCase", str, str], str]:
    return lambda t, number, key: reverse(f"complaints:{name}", kwargs={"number": number})


API_POST_ACTIONS = (
    "accept", "refuse", "transfer", "return", "extend", "answer",
    "feedback", "review", "withdraw", "supervise", "survey", "follow_up", "messages",
)  # fmt: skip
PAGE_POST_ACTIONS = (
    "accept", "refuse", "transfer", "supervise", "review", "follow_up", "answer",
    "extend", "return", "feedback", "correct", "withdraw", "survey", "unpublish",
)  # fmt: skip

API_SURFACES = (
    Surface("api detail", "GET", _api("detail"), api=True),
    Surface("api messages", "GET", _api("messages"), api=True),
    *(Surface(f"api POST {name}", "POST", _api(name), api=True) for name in API_POST_ACTIONS),
)
PAGE_SURFACES = (
    Surface("page detail", "GET", _page("detail")),
    Surface(
        "page attachment",
        "GET",
        lambda t, number, key: reverse("complaints:attachment", kwargs={"number": number, "pk": t.attachment_pks[key]}),
    ),
    Surface("page POST reveal", "POST", _page("reveal")),
    Surface("page POST message", "POST", _page("message"), data={"thread": Message.Thread.CONSUMER}),
    Surface(
        "page POST respond",
        "POST",
        lambda t, number, key: (
            reverse("complaints:respond", kwargs={"number": number, "notice": t.notice_pks[key]})
            if key in t.notice_pks
            else None
        ),
        staff_only=True,
    ),
    *(Surface(f"page POST {name}", "POST", _page(name)) for name in PAGE_POST_ACTIONS),
)


def id_number(body17: str) -> str:
    """A resident ID number with its GB 11643-1999 check character."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(body17, weights, strict=True))
    return body17 + "10X98765432"[total % 11]


# Each complaint's own phone and ID number, so a leak names the complaint it came from.
PERSONAL = {
    key: {"phone": f"1390431{n:04d}", "id_number": id_number(f"22010219880612{n:03d}")}
    for n, key in enumerate(COMPLAINTS, start=1)
}


def _pdf(key: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{key}.pdf", f"%PDF-1.4 {key}".encode(), content_type="application/pdf")


# ---------------------------------------------------------------------------------------------
# The fixture


class AccessMatrixTestCase(BaseTestCase):
    """The five complaints of the matrix, their files and supervision notices, and a client per persona."""

    c: dict[str, Complaint]
    guest_code: str
    attachment_pks: dict[str, int]
    notice_pks: dict[str, int]
    tokens: dict[str, dict[str, str]]

    @classmethod
    def setUpClass(cls) -> None:
        # Files are written in setUpTestData, which runs inside super().setUpClass().
        media = tempfile.mkdtemp()
        cls.addClassCleanup(shutil.rmtree, media, ignore_errors=True)
        override = override_settings(MEDIA_ROOT=media)
        override.enable()
        cls.addClassCleanup(override.disable)
        super().setUpClass()

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        fee = Category.objects.get(code="B03-02-04")  # 信用卡年费
        loan = Category.objects.get(code="B51-01")  # 小额贷款
        claim = Category.objects.get(code="B21-02")  # 人身保险 · 理赔
        credit_report = Category.objects.get(code="B08-03")  # 个人征信
        loan_company = Institution.objects.get(name="长春市南关区恒信小额贷款有限责任公司")
        insurer = Institution.objects.get(name="中国人寿保险股份有限公司吉林省分公司")

        def file(key: str, by: User | None, institution: Institution, business: Category, summary: str) -> str:
            complaint, code, _created = complaint_submit(
                by=by,
                via=Complaint.Via.PHONE if by is not None and by.is_staff_member else Complaint.Via.WEB,
                institution=institution,
                business=business,
                summary=summary,
                narrative=f"{summary}。经多次交涉未获解决，请求监管部门督促处理（{key}）。",
                complainant_name="王秀兰",
                phone=PERSONAL[key]["phone"],
                id_number=PERSONAL[key]["id_number"],
                amount=Decimal("1200.00"),
                attachments=[_pdf(key)],
            )
            cls.c[key] = complaint
            return code

        cls.c = {}
        file("carla_sent", cls.carla, cls.icbc_changchun, fee, "信用卡年费未经同意被扣收")
        file("carla_unsent", cls.carla, cls.icbc, fee, "信用卡分期手续费与宣传不符")
        file("oscar_jlbank", cls.oscar, cls.other_bank, fee, "信用卡额度被无故降低")
        cls.guest_code = file("guest_loan", None, loan_company, loan, "小额贷款综合费率远超合同约定")
        file("phone_insurer", cls.lou, insurer, claim, "重疾险理赔被拖延三个月")
        file("carla_credit", cls.carla, cls.icbc_changchun, credit_report, "征信报告出现本人从未办理的贷款")
        for key, officer in (("carla_sent", cls.rita), ("oscar_jlbank", cls.rita), ("carla_credit", cls.pei)):
            cls.c[key] = complaint_accept(complaint=cls.c[key], by=officer)
            complaint_supervise(complaint=cls.c[key], by=officer, reason="请于五个工作日内核实并答复投诉人")
        cls.attachment_pks = {key: c.attachments.get(message__isnull=True).pk for key, c in cls.c.items()}
        cls.notice_pks = {key: c.supervision_notices.get().pk for key, c in cls.c.items() if c.sent_at}
        cls.tokens = {p: bearer(getattr(cls, p)) for p in PERSONAS if p not in SIGNED_OUT}

    def setUp(self) -> None:
        super().setUp()
        self._page_clients: dict[str, Client] = {}
        self._ghosts: dict[tuple[str, str], tuple[int, bytes]] = {}

    # Clients ---------------------------------------------------------------------------------

    def page_client(self, persona: str) -> Client:
        """A browser: signed in, signed out, or a guest who proved guest_loan's code on the look-up page."""
        if persona not in self._page_clients:
            client = self.client_class()
            if persona == "guest":
                proved = client.post(
                    reverse("complaints:track"), {"number": self.c["guest_loan"].number, "code": self.guest_code}
                )
                self.assertEqual(proved.status_code, 302, "the guest could not prove the code")
            elif persona != "anonymous":
                client.force_login(getattr(self, persona))
            self._page_clients[persona] = client
        return self._page_clients[persona]

    def api_client(self, persona: str) -> Client:
        """A system with a Bearer token; the signed-out keep their browser session, which must not open the API."""
        if persona in SIGNED_OUT:
            return self.page_client(persona)
        return Client(headers=self.tokens[persona])

    # Probes ----------------------------------------------------------------------------------

    def probe(self, client: Client, surface: Surface, url: str) -> tuple[int, bytes]:
        """One request, rolled back afterwards, so an action that went through cannot change the next probe."""
        with transaction.atomic():
            if surface.method == "GET":
                response = client.get(url)
            elif surface.api:
                response = client.post(url, surface.data, content_type="application/json")
            else:
                response = client.post(url, surface.data)
            # Reading a streamed file to its end closes it (the test client's wrapper); closing the
            # response directly would also close the test's database connection.
            body = streamed(response) if response.streaming else response.content
            transaction.set_rollback(True)
        return response.status_code, body

    def ghost(self, persona: str, client: Client, surface: Surface, key: str) -> tuple[int, bytes]:
        """The answer for a number that was never issued, once per persona and surface."""
        if (persona, surface.name) not in self._ghosts:
            self._ghosts[persona, surface.name] = self.probe(client, surface, present(surface.url(self, GHOST, key)))
        return self._ghosts[persona, surface.name]

    def check_surfaces(self, surfaces: tuple[Surface, ...], client_for: Callable[[str], Client]) -> None:
        for persona in PERSONAS:
            client = client_for(persona)
            for key, complaint in self.c.items():
                for surface in surfaces:
                    url = surface.url(self, complaint.number, key)
                    if url is None:
                        continue  # this complaint has no such thing (a supervision notice)
                    with self.subTest(persona=persona, complaint=key, surface=surface.name):
                        self.check_one(persona, client, surface, key, complaint, url)

    def check_one(
        self, persona: str, client: Client, surface: Surface, key: str, complaint: Complaint, url: str
    ) -> None:
        sees = (API_SEES if surface.api else SEES)[persona]
        allowed = key in sees and (persona in STAFF or not surface.staff_only)
        where = f"{surface.method} {url} as {persona}"
        status, body = self.probe(client, surface, url)
        if allowed:
            if surface.method == "POST":
                self.assertIn(status, REACHED_BY_POST, f"ACCESS BUG? {where}: expected to reach it, got {status}")
            else:
                self.assertEqual(status, 200, f"ACCESS BUG? {where}: expected 200, got {status}")
                if surface.name == "api messages":
                    self.assertIsInstance(json.loads(body), list, f"{where}: answered 200 without the thread")
                else:
                    shown = f"%PDF-1.4 {key}" if surface.name == "page attachment" else complaint.number
                    self.assertIn(shown.encode(), body, f"{where}: answered 200 without the complaint")
            return
        ghost_status, ghost_body = self.ghost(persona, client, surface, key)
        expected_status = 401 if surface.api and persona in SIGNED_OUT else 404
        self.assertEqual(ghost_status, expected_status, f"{where}: a never-issued number answers {ghost_status}")
        self.assertEqual(status, expected_status, f"ACCESS BUG: {where}: expected {expected_status}, got {status}")
        self.assertNotIn(complaint.number.encode(), body, f"ACCESS BUG: {where}: the answer names the complaint")
        self.assertNotIn(complaint.summary.encode(), body, f"ACCESS BUG: {where}: the answer quotes the complaint")
        self.assertEqual(body, ghost_body, f"ACCESS BUG: {where}: answers unlike a number that does not exist")

    # Lists -----------------------------------------------------------------------------------

    def api_list_numbers(self, persona: str) -> tuple[int, set[str]]:
        response = self.api_client(persona).get(reverse("api:complaint-list"), {"page_size": 200})
        if response.status_code != 200:
            return response.status_code, set()
        return 200, {row["number"] for row in response.json()["results"]}

    def list_page(self, persona: str) -> Any:
        """The list each persona is sent to: the work queue for handlers, "my complaints" for everyone else."""
        url = f"{reverse('complaints:queue')}?queue=all" if persona in STAFF else reverse("complaints:mine")
        return self.page_client(persona).get(url)

    def export(self, persona: str, fmt: str) -> Any:
        return self.page_client(persona).get(reverse("complaints:export"), {"queue": "all", "format": fmt})


# ---------------------------------------------------------------------------------------------
# The matrix, surface by surface


class AccessMatrixTests(AccessMatrixTestCase):
    def test_it_routes_the_complaints_as_the_matrix_assumes(self) -> None:
        c = self.c
        self.assertEqual(
            {key: complaint.authority.code for key, complaint in c.items()},
            {
                "carla_sent": "nfra-jilin",
                "carla_unsent": "nfra-jilin",
                "oscar_jlbank": "nfra-jilin",
                "guest_loan": "local-changchun",
                "phone_insurer": "nfra-jilin",
                "carla_credit": "pboc-jilin",
            },
        )
        self.assertEqual(c["carla_credit"].copy_authority, self.nfra)
        self.assertEqual(c["carla_sent"].institution.parent, self.icbc)
        self.assertEqual(c["carla_sent"].status, Complaint.Status.WITH_INSTITUTION)
        self.assertEqual(c["carla_unsent"].status, Complaint.Status.SUBMITTED)
        self.assertIsNone(c["guest_loan"].consumer)
        self.assertIsNone(c["phone_insurer"].consumer)
        self.assertEqual(c["phone_insurer"].created_by, self.lou)

    def test_it_covers_every_endpoint_that_takes_a_complaint_number(self) -> None:
        # A new endpoint on a complaint must join the matrix before it ships.
        def numbered(patterns: list[Any]) -> set[str | None]:
            return {p.name for p in patterns if isinstance(p, URLPattern) and "<str:number>" in str(p.pattern)}

        def probed(surfaces: tuple[Surface, ...]) -> set[str | None]:
            number = self.c["carla_sent"].number  # the complaint that has every kind of thing: file, notice
            return {resolve(present(s.url(self, number, "carla_sent"))).url_name for s in surfaces}

        self.assertEqual(probed(API_SURFACES), numbered(api_urls.urlpatterns))
        self.assertEqual(probed(PAGE_SURFACES), numbered(page_urls.urlpatterns))

    def test_it_answers_the_api_only_to_those_allowed(self) -> None:
        self.check_surfaces(API_SURFACES, self.api_client)

    def test_it_answers_the_pages_only_to_those_allowed(self) -> None:
        self.check_surfaces(PAGE_SURFACES, self.page_client)

    def test_it_lists_through_the_api_exactly_what_each_persona_may_see(self) -> None:
        for persona in PERSONAS:
            status, numbers = self.api_list_numbers(persona)
            with self.subTest(persona=persona, surface="api list status"):
                self.assertEqual(status, 401 if persona in SIGNED_OUT else 200)
            for key, complaint in self.c.items():
                with self.subTest(persona=persona, complaint=key, surface="api list"):
                    self.assertEqual(
                        complaint.number in numbers,
                        key in LISTED[persona],
                        f"ACCESS BUG? GET /api/v1/complaints/ as {persona}: listed {sorted(numbers)}",
                    )

    def test_it_lists_on_the_pages_exactly_what_each_persona_may_see(self) -> None:
        for persona in PERSONAS:
            body = self.list_page(persona).content
            for key, complaint in self.c.items():
                with self.subTest(persona=persona, complaint=key, surface="page list"):
                    self.assertEqual(
                        complaint.number.encode() in body,
                        key in LISTED[persona],
                        f"ACCESS BUG? the list page as {persona}",
                    )

    def test_it_exports_exactly_what_each_persona_may_see(self) -> None:
        for persona in PERSONAS:
            response = self.export(persona, "csv")
            body = streamed(response) if response.streaming else response.content
            if persona in STAFF:
                with self.subTest(persona=persona, surface="export status"):
                    self.assertEqual(response.status_code, 200)
                rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))[1:]
                numbers = {row[0] for row in rows}
            else:
                with self.subTest(persona=persona, surface="export status"):
                    # Consumers go to their own list, the signed-out to sign in, a mediator is told why not.
                    self.assertIn(response.status_code, (302, 403))
                    self.assertNotIn("attachment", response.get("Content-Disposition", ""))
                numbers = {c.number for c in self.c.values() if c.number.encode() in body}
            for key, complaint in self.c.items():
                with self.subTest(persona=persona, complaint=key, surface="export rows"):
                    self.assertEqual(
                        complaint.number in numbers,
                        key in LISTED[persona] and persona in STAFF,
                        f"ACCESS BUG? the export as {persona}",
                    )

    def test_it_moves_access_with_the_complaint_when_it_is_transferred(self) -> None:
        complaint = self.c["carla_sent"]
        url = reverse("api:complaint-detail", kwargs={"number": complaint.number})
        handlers = ("carla", "ivan", "bob", "rita", "lou", "ada")

        complaint_transfer(
            complaint=complaint, by=self.rita, reason="办理网点实属吉林银行", to_institution=self.other_bank
        )
        after_bank = {p: self.api_client(p).get(url).status_code for p in handlers}
        complaint.refresh_from_db()
        complaint_transfer(
            complaint=complaint, by=self.rita, reason="属地方金融组织业务", to_authority=self.changchun_local
        )
        after_authority = {p: self.api_client(p).get(url).status_code for p in handlers}

        self.assertEqual(after_bank, {"carla": 200, "ivan": 404, "bob": 200, "rita": 200, "lou": 404, "ada": 200})
        # Waiting for the new authority to accept it: no bank sees it until it is sent again.
        self.assertEqual(after_authority, {"carla": 200, "ivan": 404, "bob": 404, "rita": 404, "lou": 200, "ada": 200})

    def test_it_never_serves_another_complaints_file_or_notice_under_a_number_the_caller_may_open(self) -> None:
        carla, ivan = self.page_client("carla"), self.page_client("ivan")
        oscars_file = reverse(
            "complaints:attachment",
            kwargs={"number": self.c["carla_sent"].number, "pk": self.attachment_pks["oscar_jlbank"]},
        )
        bobs_notice = reverse(
            "complaints:respond",
            kwargs={"number": self.c["carla_sent"].number, "notice": self.notice_pks["oscar_jlbank"]},
        )

        self.assertEqual(carla.get(oscars_file).status_code, 404)
        self.assertEqual(ivan.get(oscars_file).status_code, 404)
        self.assertEqual(ivan.post(bobs_notice, {"response": "已联系投诉人，正在核实"}).status_code, 404)
        self.assertIsNone(self.c["oscar_jlbank"].supervision_notices.get().responded_at)


class CopyAccessTests(AccessMatrixTestCase):
    """The bank's own regulator holds a copy (抄送) of the credit-reporting complaint the central bank handles."""

    def test_it_shows_the_copy_in_the_regulators_queue_marked_and_outside_its_work(self) -> None:
        number = self.c["carla_credit"].number
        rita = self.page_client("rita")
        listed = rita.get(reverse("complaints:queue"), {"queue": "all", "q": number}).content.decode()
        own = rita.get(reverse("complaints:queue"), {"queue": "all", "q": self.c["carla_sent"].number})
        awaiting = rita.get(reverse("complaints:queue"), {"queue": "overdue"}).content.decode()
        handler = self.page_client("pei").get(reverse("complaints:queue"), {"queue": "all"}).content.decode()

        self.assertIn(number, listed)
        self.assertIn('class="copy-mark"', listed)
        self.assertNotIn('class="copy-mark"', own.content.decode())
        self.assertNotIn(number, awaiting)
        self.assertIn(number, handler)
        self.assertNotIn('class="copy-mark"', handler)

    def test_it_lets_the_copy_holder_read_but_not_act(self) -> None:
        complaint = self.c["carla_credit"]
        page = self.page_client("rita").get(reverse("complaints:detail", kwargs={"number": complaint.number}))
        supervise = self.api_client("rita").post(
            reverse("api:complaint-supervise", kwargs={"number": complaint.number}),
            {"reason": "请核实"},
            content_type="application/json",
        )
        detail = self.api_client("rita").get(reverse("api:complaint-detail", kwargs={"number": complaint.number}))

        self.assertContains(page, 'id="copy-notice"')
        self.assertContains(page, "抄送")
        self.assertNotContains(page, reverse("complaints:supervise", kwargs={"number": complaint.number}))
        self.assertEqual(supervise.status_code, 403)
        self.assertEqual(complaint.supervision_notices.count(), 1)
        self.assertEqual(detail.json()["copy_authority"]["code"], "nfra-jilin")
        self.assertIn("copied", [event["kind"] for event in detail.json()["timeline"]])

    def test_it_gives_the_copy_holder_no_hold_once_the_complaint_moves_to_it(self) -> None:
        complaint = complaint_transfer(
            complaint=self.c["carla_credit"], by=self.pei, reason="实为贷款发放纠纷", to_authority=self.nfra
        )

        self.assertEqual(complaint.authority, self.nfra)
        self.assertIsNone(complaint.copy_authority)
        self.assertEqual(
            self.api_client("pei")
            .get(reverse("api:complaint-detail", kwargs={"number": complaint.number}))
            .status_code,
            404,
        )


# Each message thread's file: who may download it, and why.
THREAD_FILES = {
    Message.Thread.CONSUMER: {"carla", "ivan", "rita", "ada"},  # complainant ↔ bank, which the regulator oversees
    Message.Thread.REGULATOR: {"ivan", "rita", "ada"},  # regulator ↔ bank: not the complainant
    Message.Thread.INSTITUTION_NOTE: {"ivan"},  # the bank's own notes; ada reads as the regulator does
    Message.Thread.REGULATOR_NOTE: {"rita", "ada"},  # the regulator's own notes: not the bank
}
THREAD_AUTHORS = {
    Message.Thread.CONSUMER: "carla",
    Message.Thread.REGULATOR: "rita",
    Message.Thread.INSTITUTION_NOTE: "ivan",
    Message.Thread.REGULATOR_NOTE: "rita",
}


class ThreadFileAccessTests(AccessMatrixTestCase):
    def test_it_serves_a_thread_file_only_to_those_who_read_the_thread(self) -> None:
        complaint = self.c["carla_sent"]
        urls = {}
        for thread, author in THREAD_AUTHORS.items():
            message = message_post(
                complaint=complaint,
                by=getattr(self, author),
                thread=thread,
                body=f"附件见 {thread}",
                files=[_pdf(f"thread-{thread}")],
            )
            urls[thread] = reverse(
                "complaints:attachment", kwargs={"number": complaint.number, "pk": message.attachments.get().pk}
            )

        for thread, readers in THREAD_FILES.items():
            for persona in ("carla", "oscar", "ivan", "bob", "rita", "lou", "ada", "guest"):
                with self.subTest(persona=persona, thread=thread, surface="thread attachment"):
                    response = self.page_client(persona).get(urls[thread])
                    body = streamed(response) if response.streaming else response.content
                    self.assertEqual(
                        response.status_code,
                        200 if persona in readers else 404,
                        f"ACCESS BUG? the {thread} thread's file as {persona}",
                    )
                    if persona in readers:
                        self.assertEqual(body, f"%PDF-1.4 thread-{thread}".encode())


# ---------------------------------------------------------------------------------------------
# Personal data: every staff look is written down, and lists never carry it


class PersonalDataAuditTests(AccessMatrixTestCase):
    def reads(self, complaint: Complaint) -> list[PersonalDataRead]:
        return list(PersonalDataRead.objects.filter(complaint=complaint).order_by("pk"))

    def test_it_audits_each_staff_reveal_on_the_page_once(self) -> None:
        for persona, key in (
            ("rita", "carla_sent"),
            ("ivan", "carla_sent"),
            ("ada", "carla_sent"),
            ("lou", "guest_loan"),
        ):
            with self.subTest(persona=persona, complaint=key, surface="page POST reveal"):
                complaint, user = self.c[key], getattr(self, persona)
                client = self.page_client(persona)
                detail = reverse("complaints:detail", kwargs={"number": complaint.number})
                phone = PERSONAL[key]["phone"]

                before = self.reads(complaint)
                masked = client.get(detail)
                self.assertNotContains(masked, phone)
                self.assertEqual(self.reads(complaint), before, "reading the masked page is not a reveal")

                response = client.post(reverse("complaints:reveal", kwargs={"number": complaint.number}))
                self.assertRedirects(response, f"{detail}#personal", fetch_redirect_response=False)
                self.assertContains(client.get(detail), phone)
                self.assertNotContains(client.get(detail), phone)  # shown once, then masked again

                [read] = self.reads(complaint)[len(before) :]
                self.assertEqual((read.user, read.purpose), (user, "web"))
                self.assertIn("phone", read.fields.split(","))
                self.assertIn("id_number", read.fields.split(","))

    def test_it_audits_each_staff_reveal_through_the_api_once(self) -> None:
        for persona, key in (
            ("rita", "carla_sent"),
            ("ivan", "carla_sent"),
            ("ada", "carla_sent"),
            ("bob", "oscar_jlbank"),
            ("lou", "guest_loan"),
        ):
            with self.subTest(persona=persona, complaint=key, surface="api detail ?reveal=personal"):
                complaint, user = self.c[key], getattr(self, persona)
                client = self.api_client(persona)
                url = reverse("api:complaint-detail", kwargs={"number": complaint.number})

                before = self.reads(complaint)
                masked = client.get(url)
                self.assertNotIn(PERSONAL[key]["phone"], masked.content.decode())
                self.assertEqual(self.reads(complaint), before, "reading the masked detail is not a reveal")

                revealed = client.get(url, {"reveal": "personal"}).json()["personal"]
                self.assertEqual(revealed["phone"], PERSONAL[key]["phone"])
                self.assertEqual(revealed["id_number"], PERSONAL[key]["id_number"])
                [read] = self.reads(complaint)[len(before) :]
                self.assertEqual((read.user, read.purpose), (user, "api"))
                self.assertIn("phone", read.fields.split(","))

    def test_it_writes_no_audit_when_complainants_read_their_own(self) -> None:
        carla, guest = self.page_client("carla"), self.page_client("guest")
        own, guests = self.c["carla_sent"], self.c["guest_loan"]

        api = self.api_client("carla").get(
            reverse("api:complaint-detail", kwargs={"number": own.number}), {"reveal": "personal"}
        )
        self.assertEqual(api.json()["personal"]["phone"], PERSONAL["carla_sent"]["phone"])
        self.assertContains(
            carla.get(reverse("complaints:detail", kwargs={"number": own.number})), PERSONAL["carla_sent"]["phone"]
        )
        carla.post(reverse("complaints:reveal", kwargs={"number": own.number}))
        self.assertContains(
            guest.get(reverse("complaints:detail", kwargs={"number": guests.number})), PERSONAL["guest_loan"]["phone"]
        )
        guest.post(reverse("complaints:reveal", kwargs={"number": guests.number}))

        self.assertFalse(PersonalDataRead.objects.exists())

    def test_it_neither_reveals_nor_audits_a_complaint_that_is_not_yours(self) -> None:
        complaint = self.c["carla_sent"]
        for persona in ("oscar", "bob", "lou", "mei"):
            with self.subTest(persona=persona):
                page = self.page_client(persona).post(reverse("complaints:reveal", kwargs={"number": complaint.number}))
                api = self.api_client(persona).get(
                    reverse("api:complaint-detail", kwargs={"number": complaint.number}), {"reveal": "personal"}
                )
                self.assertEqual((page.status_code, api.status_code), (404, 404))
                self.assertNotIn(PERSONAL["carla_sent"]["phone"].encode(), page.content + api.content)
        self.assertFalse(PersonalDataRead.objects.exists())

    def test_it_keeps_clear_phone_and_id_numbers_out_of_every_list_and_export(self) -> None:
        secrets = [value.encode() for values in PERSONAL.values() for value in values.values()]
        for persona in PERSONAS:
            bodies = {
                "api list": self.api_client(persona).get(reverse("api:complaint-list"), {"page_size": 200}).content,
                "page list": self.list_page(persona).content,
            }
            for fmt in ("csv", "xlsx"):
                response = self.export(persona, fmt)
                body = streamed(response) if response.streaming else response.content
                if fmt == "xlsx" and response.status_code == 200:
                    # The workbook is zipped: search the cells, not the compressed bytes.
                    sheet = worksheet(openpyxl.load_workbook(io.BytesIO(body)))
                    body = "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row).encode()
                bodies[f"export {fmt}"] = body
            for surface, body in bodies.items():
                with self.subTest(persona=persona, surface=surface):
                    leaked = [s.decode() for s in secrets if s in body]
                    self.assertEqual(leaked, [], f"PERSONAL DATA LEAK: {surface} as {persona}")
        self.assertFalse(PersonalDataRead.objects.exists(), "lists and exports read no personal data")
