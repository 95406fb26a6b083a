"""The REST API as other departments' systems use it: a token, then complaints filed, listed, read
and handled through every transition, each caller seeing only what is theirs."""

from datetime import timedelta
from typing import Any

import time_machine
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from xiaobao.accounts.models import ApiToken, User
from xiaobao.complaints.models import Complaint, Message, PersonalDataRead, Survey
from xiaobao.complaints.services import complaint_accept
from xiaobao.testing import BaseTestCase, bearer

ACTIONS = [
    "accept",
    "refuse",
    "transfer",
    "return",
    "extend",
    "answer",
    "feedback",
    "review",
    "withdraw",
    "supervise",
    "messages",
    "survey",
]


class ApiTestCase(BaseTestCase):
    """Requests as a system sends them: JSON bodies and a Bearer token."""

    def setUp(self) -> None:
        super().setUp()
        cache.clear()

    def bearer(self, user: User) -> dict[str, str]:
        return bearer(user)

    def get(self, url: str, user: User | None = None, params: dict | None = None, **headers: str) -> Any:
        return self.client.get(url, params or {}, headers={**(self.bearer(user) if user else {}), **headers})

    def post(self, url: str, data: dict | None = None, user: User | None = None, **headers: str) -> Any:
        return self.client.post(
            url, data or {}, content_type="application/json", headers={**(self.bearer(user) if user else {}), **headers}
        )

    def list_url(self) -> str:
        return reverse("api:complaint-list")

    def detail_url(self, complaint: Complaint) -> str:
        return reverse("api:complaint-detail", kwargs={"number": complaint.number})

    def action_url(self, complaint: Complaint, action: str) -> str:
        return reverse(f"api:complaint-{action}", kwargs={"number": complaint.number})

    def payload(self, **overrides: Any) -> dict[str, Any]:
        body = {
            "institution": self.icbc_changchun.uscc,
            "business": self.credit_card.code,
            "cause": "C07",
            "summary": "信用卡年费未经同意被扣收",
            "narrative": "办卡时承诺免年费，本月账单却扣收年费600元，多次致电客服未获解决。",
            "complainant_name": "张丽",
            "phone": "13812345678",
            "id_number": "220102199003071235",
            "demands": ["refund"],
            "rights": ["fair-dealing"],
            "amount": "600.00",
            "consent_publish": True,
        }
        body.update(overrides)
        return body

    def accepted(self, **overrides: Any) -> Complaint:
        complaint, _code = self.file_complaint(by=self.carla, **overrides)
        return complaint_accept(complaint=complaint, by=self.rita)


class TokenTests(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        # The personas' passwords were hashed in setUpTestData, before the test settings swapped the
        # password hashers; hash them again under the hashers this test runs with.
        for user, password in ((self.carla, "pw-carla-123"), (self.ivan, "pw-ivan-123")):
            user.set_password(password)
            user.save(update_fields=["password"])

    def test_it_issues_a_token_for_good_credentials(self) -> None:
        r = self.client.post(
            reverse("api:token"), {"username": "carla", "password": "pw-carla-123"}, content_type="application/json"
        )
        self.assertEqual(r.status_code, 200)
        mine = self.client.get(self.list_url(), headers={"Authorization": f"Bearer {r.json()['token']}"})
        self.assertEqual(mine.status_code, 200)

    def test_it_gives_each_system_its_own_token_and_accepts_form_posts(self) -> None:
        def token(name: str) -> str:
            body = {"username": "carla", "password": "pw-carla-123", "name": name}
            return self.client.post(reverse("api:token"), body).json()["token"]

        first, other, again = token("网点自助终端"), token("客服系统"), token("网点自助终端")
        self.assertEqual(len({first, other, again}), 3)
        # The same system asking again replaces its token: the old one opens nothing.
        self.assertEqual(ApiToken.objects.filter(user=self.carla).count(), 2)
        for key, status in ((first, 401), (other, 200), (again, 200)):
            r = self.client.get(self.list_url(), headers={"Authorization": f"Bearer {key}"})
            self.assertEqual(r.status_code, status)

    def test_it_says_why_bad_credentials_fail(self) -> None:
        r = self.client.post(
            reverse("api:token"), {"username": "carla", "password": "wrong"}, content_type="application/json"
        )
        self.assertEqual(r.status_code, 400)
        self.assertEqual(r.json()["detail"], "无法使用提供的认证信息登录。")
        self.assertFalse(ApiToken.objects.filter(user=self.carla).exists())

    def test_it_lets_a_bearer_token_in_and_keeps_others_out(self) -> None:
        self.assertEqual(self.get(self.list_url(), self.carla).status_code, 200)
        r = self.client.get(self.list_url())
        self.assertEqual(r.status_code, 401)
        self.assertEqual(r.json(), {"detail": "身份认证信息未提供。", "errors": {}})
        r = self.client.get(self.list_url(), headers={"Authorization": "Bearer not-a-token"})
        self.assertEqual(r.status_code, 401)

    @override_settings(RATELIMIT_ENABLE=True, LOGIN_RATE="3/h")
    def test_it_slows_down_password_guessing_from_one_address(self) -> None:
        for _attempt in range(3):
            r = self.client.post(reverse("api:token"), {"username": "carla", "password": "guess"})
            self.assertEqual(r.status_code, 400)
        r = self.client.post(reverse("api:token"), {"username": "carla", "password": "pw-carla-123"})
        self.assertEqual(r.status_code, 429)
        self.assertRegex(r.json()["detail"], r"^登录尝试过于频繁，请 \d+ 分钟后再试。$")
        self.assertGreater(int(r["Retry-After"]), 0)


class ComplaintCreateTests(ApiTestCase):
    def test_it_files_a_complaint_and_routes_it(self) -> None:
        r = self.post(self.list_url(), self.payload(), self.carla)
        self.assertEqual(r.status_code, 201, r.content)
        body = r.json()
        self.assertEqual(body["status"], "submitted")
        self.assertEqual(body["authority"]["code"], "nfra-jilin")
        self.assertEqual(body["institution"]["uscc"], self.icbc_changchun.uscc)
        self.assertIsNone(body["access_code"])
        self.assertEqual(r.headers["Location"], f"/api/v1/complaints/{body['number']}/")
        complaint = Complaint.objects.get(number=body["number"])
        self.assertEqual(complaint.consumer, self.carla)
        self.assertEqual(complaint.submitted_via, Complaint.Via.API)
        self.assertEqual(str(complaint.amount), "600.00")
        self.assertEqual([label.code for label in complaint.demands.all()], ["refund"])

    def test_it_returns_the_first_complaint_for_a_repeated_idempotency_key(self) -> None:
        first = self.post(self.list_url(), self.payload(), self.carla, **{"Idempotency-Key": "order-42"})
        again = self.post(self.list_url(), self.payload(), self.carla, **{"Idempotency-Key": "order-42"})
        self.assertEqual(first.status_code, 201)
        self.assertEqual(again.status_code, 200)
        self.assertEqual(again.json()["number"], first.json()["number"])
        self.assertEqual(Complaint.objects.filter(consumer=self.carla).count(), 1)

    def test_it_files_twice_without_a_key(self) -> None:
        self.assertEqual(self.post(self.list_url(), self.payload(), self.carla).status_code, 201)
        self.assertEqual(self.post(self.list_url(), self.payload(), self.carla).status_code, 201)
        self.assertEqual(Complaint.objects.filter(consumer=self.carla).count(), 2)

    def test_it_does_not_share_keys_between_users(self) -> None:
        mine = self.post(self.list_url(), self.payload(), self.carla, **{"Idempotency-Key": "k1"})
        theirs = self.post(self.list_url(), self.payload(), self.oscar, **{"Idempotency-Key": "k1"})
        self.assertEqual(theirs.status_code, 201)
        self.assertNotEqual(mine.json()["number"], theirs.json()["number"])

    def test_it_rejects_an_overlong_idempotency_key(self) -> None:
        r = self.post(self.list_url(), self.payload(), self.carla, **{"Idempotency-Key": "k" * 81})
        self.assertEqual(r.status_code, 400)
        self.assertIn("Idempotency-Key", r.json()["errors"])
        self.assertFalse(Complaint.objects.exists())

    def test_it_gives_staff_filing_for_someone_a_one_time_access_code(self) -> None:
        r = self.post(self.list_url(), self.payload(), self.rita, **{"Idempotency-Key": "phone-call-7"})
        self.assertEqual(r.status_code, 201)
        code = r.json()["access_code"]
        self.assertEqual(len(code), 10)
        complaint = Complaint.objects.get(number=r.json()["number"])
        self.assertIsNone(complaint.consumer)
        self.assertEqual(complaint.created_by, self.rita)
        again = self.post(self.list_url(), self.payload(), self.rita, **{"Idempotency-Key": "phone-call-7"})
        self.assertEqual(again.status_code, 200)
        self.assertIsNone(again.json()["access_code"])

    def test_it_does_not_let_institution_staff_file(self) -> None:
        r = self.post(self.list_url(), self.payload(), self.ivan)
        self.assertEqual(r.status_code, 403)
        self.assertEqual(r.json()["detail"], "只有投诉人本人或监管部门工作人员可以登记投诉。")
        self.assertFalse(Complaint.objects.exists())

    def test_it_explains_bad_fields_in_chinese(self) -> None:
        body = self.payload(phone="12345", id_number="220102199003071234", business="B99-99", amount="-1")
        del body["summary"]
        r = self.post(self.list_url(), body, self.carla)
        self.assertEqual(r.status_code, 400)
        errors = r.json()["errors"]
        self.assertEqual(r.json()["detail"], "无效的输入。")
        self.assertEqual(
            errors["phone"], ["请填写有效的联系电话：11位手机号码，或带区号的固定电话（如 0431-88888888）。"]
        )
        self.assertEqual(errors["id_number"], ["身份证号码无效：应为18位，且最后一位校验码正确。"])
        self.assertEqual(errors["business"], ["“B99-99” 不是合法选项。"])
        self.assertEqual(errors["summary"], ["该字段是必填项。"])
        self.assertEqual(errors["amount"], ["请确保该值大于或者等于 0。"])
        self.assertFalse(Complaint.objects.exists())

    def test_it_explains_bad_fields_in_english_when_asked(self) -> None:
        body = self.payload(business="B99-99", demands=["refund", "free-lunch"])
        del body["summary"]
        r = self.post(self.list_url(), body, self.carla, **{"Accept-Language": "en"})
        self.assertEqual(r.status_code, 400)
        self.assertEqual(r.json()["detail"], "Invalid input.")
        errors = r.json()["errors"]
        self.assertEqual(errors["summary"], ["This field is required."])
        self.assertEqual(errors["business"], ['"B99-99" is not a valid choice.'])
        self.assertEqual(errors["demands"], ['"free-lunch" is not a valid choice.'])

    def test_it_takes_a_landline_and_an_unknown_region_is_an_error(self) -> None:
        ok = self.post(self.list_url(), self.payload(phone="0431-88888888", id_number=""), self.carla)
        self.assertEqual(ok.status_code, 201, ok.content)
        bad = self.post(self.list_url(), self.payload(region="999999"), self.carla)
        self.assertEqual(bad.status_code, 400)
        self.assertIn("region", bad.json()["errors"])

    def test_it_refuses_a_code_holding_a_nul_character_as_an_unknown_code(self) -> None:
        # PostgreSQL refuses a NUL even in a look-up: this was a server error there, and fine on SQLite.
        r = self.post(self.list_url(), self.payload(business="B01\x00", demands=["refund\x00"]), self.carla)
        self.assertEqual(r.status_code, 400, r.content)
        self.assertIn("business", r.json()["errors"])
        self.assertIn("demands", r.json()["errors"])


class ComplaintListTests(ApiTestCase):
    def numbers(self, user: User, **params: Any) -> list[str]:
        r = self.get(self.list_url(), user, params)
        self.assertEqual(r.status_code, 200, r.content)
        return [row["number"] for row in r.json()["results"]]

    def test_it_lists_only_a_consumers_own_complaints(self) -> None:
        mine, _code = self.file_complaint(by=self.carla)
        self.file_complaint(by=self.oscar, phone="13900000000", id_number="")
        self.assertEqual(self.numbers(self.carla), [mine.number])

    def test_it_shows_the_bank_its_complaints_only_once_sent_and_never_another_banks(self) -> None:
        icbc, _code = self.file_complaint(by=self.carla)
        other, _code = self.file_complaint(by=self.carla, institution=self.other_bank)
        self.assertEqual(self.numbers(self.ivan), [])
        complaint_accept(complaint=icbc, by=self.rita)
        complaint_accept(complaint=other, by=self.rita)
        self.assertEqual(self.numbers(self.ivan), [icbc.number])
        self.assertEqual(self.numbers(self.bob), [other.number])
        self.assertEqual(self.get(self.detail_url(other), self.ivan).status_code, 404)

    def test_it_masks_personal_data_in_lists(self) -> None:
        self.file_complaint(by=self.carla)
        row = self.get(self.list_url(), self.carla).json()["results"][0]
        self.assertEqual(row["phone"], "138****5678")
        self.assertEqual(row["complainant_name"], "张*")

    def test_it_filters_by_status_institution_text_and_date(self) -> None:
        icbc = self.accepted()
        other, _code = self.file_complaint(by=self.carla, institution=self.other_bank, summary="贷款提前还款被收违约金")
        self.assertEqual(self.numbers(self.rita, status="submitted"), [other.number])
        self.assertEqual(self.numbers(self.rita, institution=self.icbc.uscc), [icbc.number])
        self.assertEqual(self.numbers(self.rita, q="提前还款"), [other.number])
        self.assertEqual(self.numbers(self.rita, q=icbc.number[-6:]), [icbc.number])
        today = timezone.localdate()
        self.assertEqual(len(self.numbers(self.rita, received_from=today, received_to=today)), 2)
        self.assertEqual(self.numbers(self.rita, received_to=today - timedelta(days=1)), [])

    def test_it_filters_overdue_complaints(self) -> None:
        with time_machine.travel(timezone.now() - timedelta(days=40)):
            late = self.accepted()
        fresh = self.accepted()
        self.assertEqual(self.numbers(self.rita, overdue="true"), [late.number])
        self.assertEqual(self.numbers(self.rita, overdue="false"), [fresh.number])
        detail = self.get(self.detail_url(late), self.ivan).json()
        self.assertTrue(detail["overdue"])
        self.assertFalse(detail["timely"])

    def test_it_rejects_an_unknown_status_filter(self) -> None:
        r = self.get(self.list_url(), self.rita, {"status": "lost"})
        self.assertEqual(r.status_code, 400)
        self.assertIn("status", r.json()["errors"])

    def test_it_pages_results(self) -> None:
        for _i in range(3):
            self.file_complaint(by=self.carla, phone="13900000000")
        body = self.get(self.list_url(), self.carla, {"page_size": 2}).json()
        self.assertEqual(body["count"], 3)
        self.assertEqual(len(body["results"]), 2)
        self.assertIsNotNone(body["next"])


class ComplaintDetailTests(ApiTestCase):
    def test_it_shows_the_complainant_their_own_data_timeline_and_deadlines(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla)
        body = self.get(self.detail_url(complaint), self.carla).json()
        self.assertEqual(body["personal"]["phone"], "13812345678")
        self.assertFalse(body["personal"]["masked"])
        self.assertEqual([e["kind"] for e in body["timeline"]], ["submitted"])
        self.assertIsNone(body["timeline"][0]["actor"])
        accept = body["deadlines"][0]
        self.assertEqual(accept["kind"], "accept")
        self.assertFalse(accept["overdue"])
        self.assertIsNone(accept["met"])
        self.assertIsNone(body["timely"])

    def test_it_masks_personal_data_for_staff_and_records_nothing(self) -> None:
        complaint = self.accepted()
        body = self.get(self.detail_url(complaint), self.ivan).json()
        self.assertEqual(body["personal"]["phone"], "138****5678")
        self.assertEqual(body["personal"]["id_number"], "2201**********1235")
        self.assertTrue(body["personal"]["masked"])
        self.assertFalse(PersonalDataRead.objects.exists())

    def test_it_reveals_personal_data_to_staff_on_request_and_audits_it(self) -> None:
        complaint = self.accepted()
        body = self.get(self.detail_url(complaint), self.ivan, {"reveal": "personal"}).json()
        self.assertEqual(body["personal"]["phone"], "13812345678")
        self.assertEqual(body["personal"]["id_number"], "220102199003071235")
        read = PersonalDataRead.objects.get()
        self.assertEqual((read.user, read.complaint, read.purpose), (self.ivan, complaint, "api"))
        self.assertIn("phone", read.fields)

    def test_it_answers_not_found_alike_for_not_yours_and_nonexistent(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla)
        not_yours = self.get(self.detail_url(complaint), self.oscar)
        missing = self.get(reverse("api:complaint-detail", kwargs={"number": "JL-20000101-000001"}), self.oscar)
        self.assertEqual(not_yours.status_code, 404)
        self.assertEqual(not_yours.json(), missing.json())
        self.assertEqual(self.get(self.detail_url(complaint), self.ivan).status_code, 404)
        self.assertEqual(self.get(self.detail_url(complaint), self.mei).status_code, 404)

    def test_it_shows_each_party_only_its_timeline(self) -> None:
        complaint = self.accepted()
        self.post(
            self.action_url(complaint, "return"),
            {"reason": "该信用卡由总行信用卡中心发卡，不属于本分行办理。"},
            self.ivan,
        )
        consumer_kinds = [e["kind"] for e in self.get(self.detail_url(complaint), self.carla).json()["timeline"]]
        staff = self.get(self.detail_url(complaint), self.rita).json()["timeline"]
        self.assertNotIn("returned", consumer_kinds)
        self.assertIn("returned", [e["kind"] for e in staff])
        self.assertEqual(staff[-1]["actor"], "Ivan")


class ComplaintTransitionTests(ApiTestCase):
    def test_it_runs_a_complaint_from_acceptance_to_review_through_the_api(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla)

        r = self.post(self.action_url(complaint, "accept"), {"note": "属实，转机构办理"}, self.rita)
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["status"], "with_institution")

        r = self.post(
            self.action_url(complaint, "answer"),
            {
                "outcome": "partly",
                "decision": "经核实，办卡时确有免年费承诺，已退还年费300元，其余按合同约定收取。",
                "remedy": "退还年费",
                "remedy_amount": "300.00",
                "remedies_open": ["review", "mediation"],
            },
            self.ivan,
        )
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["status"], "answered")
        self.assertEqual(r.json()["remedy_amount"], "300.00")
        self.assertTrue(r.json()["timely"])

        r = self.post(self.action_url(complaint, "feedback"), {"choice": "review", "note": "应全额退还"}, self.carla)
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["status"], "under_review")

        r = self.post(
            self.action_url(complaint, "review"),
            {"upheld": True, "result": "机构处理符合合同约定，维持处理结果。"},
            self.rita,
        )
        self.assertEqual(r.status_code, 200, r.content)
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Complaint.Status.CLOSED)
        self.assertEqual(complaint.review_result, "机构处理符合合同约定，维持处理结果。")

        r = self.post(self.action_url(complaint, "survey"), {"score": 4, "comment": "处理及时"}, self.carla)
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(Survey.objects.get(complaint=complaint).score, 4)
        again = self.post(self.action_url(complaint, "survey"), {"score": 5}, self.carla)
        self.assertEqual(again.status_code, 400)
        self.assertEqual(again.json()["detail"], "您已评价过这件投诉，每件投诉只能评价一次。")

    def test_it_refuses_with_a_reason_code(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla)
        r = self.post(
            self.action_url(complaint, "refuse"), {"reason": "duplicate", "note": "与此前投诉内容相同。"}, self.rita
        )
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["refusal_reason"]["code"], "duplicate")
        bad = self.post(self.action_url(complaint, "refuse"), {"reason": "no-such", "note": "x"}, self.rita)
        self.assertEqual(bad.status_code, 400)
        self.assertIn("reason", bad.json()["errors"])

    def test_it_transfers_to_another_institution_and_names_the_field_on_error(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla)
        none = self.post(self.action_url(complaint, "transfer"), {"reason": "机构选择有误"}, self.rita)
        self.assertEqual(none.status_code, 400)
        self.assertEqual(none.json()["detail"], "请选择转办的监管部门或机构。")
        r = self.post(
            self.action_url(complaint, "transfer"),
            {"institution": self.other_bank.uscc.lower(), "reason": "机构选择有误"},
            self.rita,
        )
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["institution"]["uscc"], self.other_bank.uscc)

    def test_it_extends_withdraws_and_supervises(self) -> None:
        complaint = self.accepted()
        r = self.post(
            self.action_url(complaint, "extend"),
            {"tier": "complex", "reason": "third-party", "note": "需向发卡中心调取录音"},
            self.ivan,
        )
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["level"], "complex")
        r = self.post(self.action_url(complaint, "supervise"), {"reason": "请加快办理并回复"}, self.rita)
        self.assertEqual(r.status_code, 200, r.content)
        self.assertIn("supervision", [d["kind"] for d in r.json()["deadlines"]])
        consumer_view = self.get(self.detail_url(complaint), self.carla).json()
        self.assertNotIn("supervision", [d["kind"] for d in consumer_view["deadlines"]])
        r = self.post(self.action_url(complaint, "withdraw"), {"reason": "已与银行和解"}, self.carla)
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["status"], "withdrawn")

    def test_it_says_why_the_state_does_not_allow_an_action(self) -> None:
        complaint = self.accepted()
        r = self.post(self.action_url(complaint, "accept"), {}, self.rita)
        self.assertEqual(r.status_code, 400)
        self.assertEqual(r.json()["detail"], "投诉当前状态为“机构办理中”，不能执行此操作。")

    def test_it_forbids_an_action_to_a_party_who_sees_the_complaint(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla)
        r = self.post(self.action_url(complaint, "accept"), {}, self.carla)
        self.assertEqual(r.status_code, 403)
        self.assertEqual(r.json()["detail"], "您无权对该投诉执行此操作。")
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Complaint.Status.SUBMITTED)

    def test_it_answers_not_found_for_every_action_on_a_complaint_that_is_not_yours(self) -> None:
        complaint = self.accepted()
        for action in ACTIONS:
            for outsider in (self.oscar, self.bob, self.lou, self.mei):
                with self.subTest(action=action, user=outsider.username):
                    r = self.post(self.action_url(complaint, action), {}, outsider)
                    self.assertEqual(r.status_code, 404)
                    self.assertEqual(r.json(), {"detail": "未找到。", "errors": {}})
        self.assertEqual(self.get(self.action_url(complaint, "messages"), self.oscar).status_code, 404)


class MessageTests(ApiTestCase):
    def test_it_shows_each_party_the_threads_it_may_read(self) -> None:
        complaint = self.accepted()
        r = self.post(self.action_url(complaint, "messages"), {"thread": "consumer", "body": "请尽快处理"}, self.carla)
        self.assertEqual(r.status_code, 201, r.content)
        self.assertEqual(r.json()["party"], "consumer")
        note = {"thread": "institution_note", "body": "已调取办卡录音"}
        self.assertEqual(self.post(self.action_url(complaint, "messages"), note, self.ivan).status_code, 201)
        bank_sees = [m["body"] for m in self.get(self.action_url(complaint, "messages"), self.ivan).json()]
        carla_sees = [m["body"] for m in self.get(self.action_url(complaint, "messages"), self.carla).json()]
        self.assertEqual(bank_sees, ["请尽快处理", "已调取办卡录音"])
        self.assertEqual(carla_sees, ["请尽快处理"])

    def test_it_forbids_writing_in_a_thread_that_is_not_the_callers(self) -> None:
        complaint = self.accepted()
        r = self.post(self.action_url(complaint, "messages"), {"thread": "regulator_note", "body": "x"}, self.carla)
        self.assertEqual(r.status_code, 403)
        self.assertFalse(Message.objects.exists())
