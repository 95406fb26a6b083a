"""The complaint pages as people use them: a browser posting forms, following redirects, reading words."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from xiaobao.complaints import views
from xiaobao.complaints.access import guest_code_matches
from xiaobao.complaints.models import Attachment, Complaint, Event, Message, Notification, PersonalDataRead, Survey
from xiaobao.complaints.services import (
    complaint_accept,
    complaint_answer,
    complaint_feedback,
    complaint_supervise,
    message_post,
)
from xiaobao.core.pages import RECEIPT_SESSION_KEY
from xiaobao.registry.models import Label
from xiaobao.testing import BaseTestCase, first_of, streamed

DECISION = "经核实，年费系系统错误扣收，已全额退还600元并向您致歉。"


class PageTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.use_fresh_pages()

    def form_data(self, **overrides: Any) -> dict[str, Any]:
        data = {
            "institution": self.icbc_changchun.pk,
            "business": self.credit_card.pk,
            "summary": "信用卡年费未经同意被扣收",
            "narrative": "办卡时工作人员承诺免年费，本月账单却扣收年费600元，多次致电客服未获解决。",
            "complainant_name": "张丽",
            "phone": "138 1234 5678",
            "id_number": "220102199003071235",
            "amount": "600.00",
            "demands": [Label.objects.get(kind=Label.Kind.DEMAND, name="退费").pk],
        }
        data.update(overrides)
        return data

    def detail(self, complaint: Complaint) -> str:
        return reverse("complaints:detail", kwargs={"number": complaint.number})

    def action(self, complaint: Complaint, name: str) -> str:
        return reverse(f"complaints:{name}", kwargs={"number": complaint.number})

    def accepted(self, **kwargs: Any) -> Complaint:
        complaint, _code = self.file_complaint(**kwargs)
        return complaint_accept(complaint=complaint, by=self.rita)


class IntakeTests(PageTestCase):
    def test_it_files_a_guest_complaint_and_shows_number_and_code_once(self) -> None:
        response = self.client.get(reverse("complaints:new"))
        self.assertContains(response, "（必填）")
        self.assertContains(response, "<optgroup", msg_prefix="institutions are grouped by sector")

        response = self.client.post(reverse("complaints:new"), self.form_data())

        self.assertRedirects(response, reverse("complaints:submitted"), fetch_redirect_response=False)
        complaint = Complaint.objects.get()
        self.assertIsNone(complaint.consumer)
        self.assertEqual(complaint.phone, "13812345678")
        code = self.client.session[RECEIPT_SESSION_KEY]["code"]
        self.assertTrue(guest_code_matches(complaint, code))
        receipt = self.client.get(reverse("complaints:submitted"))
        self.assertContains(receipt, complaint.number)
        self.assertContains(receipt, f"{code[:5]} {code[5:]}")
        self.assertContains(receipt, "抄写下来")
        # The receipt cannot be seen again by its URL.
        again = self.client.get(reverse("complaints:submitted"))
        self.assertRedirects(again, reverse("complaints:track"))
        self.assertNotContains(self.client.get(reverse("complaints:track")), code)

    def test_it_lets_the_guest_open_the_complaint_just_filed(self) -> None:
        self.client.post(reverse("complaints:new"), self.form_data())
        complaint = Complaint.objects.get()

        response = self.client.get(self.detail(complaint))

        self.assertContains(response, "更正投诉内容")
        self.assertContains(response, "13812345678")

    def test_it_keeps_what_was_typed_and_explains_errors_in_chinese_without_writing(self) -> None:
        data = self.form_data(phone="12345", narrative="太短了", id_number="220102199003071234")

        response = self.client.post(reverse("complaints:new"), data)

        self.assertEqual(response.status_code, 200)
        self.assertFalse(Complaint.objects.exists())
        self.assertContains(response, "错误：请填写11位手机号码")
        self.assertContains(response, "错误：身份证号码应为18位")
        self.assertContains(response, "信用卡年费未经同意被扣收")  # the summary typed stays in its field
        self.assertContains(response, 'aria-describedby="id_phone_helptext id_phone_error"')
        self.assertContains(response, 'href="#id_phone"')  # the summary at the top links to the field
        self.assertContains(response, 'aria-invalid="true"')

    def test_it_explains_errors_in_english_when_the_language_is_english(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

        response = self.client.post(reverse("complaints:new"), self.form_data(phone=""))

        self.assertContains(response, "This field is required.")
        self.assertFalse(Complaint.objects.exists())

    def test_it_speaks_chinese_to_a_browser_set_to_english_until_the_visitor_switches(self) -> None:
        data = self.form_data(complainant_name="")

        response = self.client.post(reverse("complaints:new"), data, headers={"accept-language": "en"})
        self.assertContains(response, "错误：该字段是必填项。")

        self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        response = self.client.post(reverse("complaints:new"), data, headers={"accept-language": "zh-CN"})
        self.assertContains(response, "This field is required.")

    def test_it_refuses_a_file_that_is_not_a_document_and_writes_nothing(self) -> None:
        bad = SimpleUploadedFile("发票.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")

        response = self.client.post(reverse("complaints:new"), {**self.form_data(), "attachments": [bad]})

        self.assertContains(response, "格式不受支持")
        self.assertContains(response, "重新选择")
        self.assertFalse(Complaint.objects.exists())
        self.assertFalse(Attachment.objects.exists())

    def test_it_stores_several_attachments(self) -> None:
        files = [
            SimpleUploadedFile("账单.pdf", b"%PDF-1.4 bill", content_type="application/pdf"),
            SimpleUploadedFile("截图.png", b"\x89PNG\r\n\x1a\n....", content_type="image/png"),
        ]

        self.client.post(reverse("complaints:new"), {**self.form_data(), "attachments": files})

        self.assertEqual(sorted(Attachment.objects.values_list("name", flat=True)), ["截图.png", "账单.pdf"])

    def test_it_files_a_signed_in_consumers_complaint_as_theirs(self) -> None:
        self.client.force_login(self.carla)

        self.client.post(reverse("complaints:new"), self.form_data())
        receipt = self.client.get(reverse("complaints:submitted"))

        complaint = Complaint.objects.get()
        self.assertEqual(complaint.consumer, self.carla)
        self.assertContains(receipt, complaint.number)
        self.assertNotContains(receipt, "查询码")

    @override_settings(RATELIMIT_ENABLE=True, INTAKE_RATE="2/m")
    def test_it_limits_how_often_one_address_can_file(self) -> None:
        for _i in range(2):
            self.client.post(reverse("complaints:new"), self.form_data(phone=""))

        response = self.client.post(reverse("complaints:new"), self.form_data())

        self.assertContains(response, "提交太频繁", status_code=429)
        self.assertFalse(Complaint.objects.exists())

    def test_it_sends_regulator_staff_to_staff_entry(self) -> None:
        self.client.force_login(self.rita)

        response = self.client.get(reverse("complaints:new"))

        self.assertRedirects(response, reverse("complaints:staff_new"))

    def test_it_narrows_the_institution_list_by_name(self) -> None:
        response = self.client.get(
            reverse("complaints:institution_search"), {"q": "吉林银行"}, headers={"HX-Request": "true"}
        )

        self.assertContains(response, "吉林银行股份有限公司")
        self.assertNotContains(response, "中国工商银行股份有限公司吉林省分行")
        self.assertContains(response, "找到")


class StaffEntryTests(PageTestCase):
    def test_it_records_a_letter_received_yesterday_and_shows_the_code_to_read_out(self) -> None:
        self.client.force_login(self.rita)
        yesterday = timezone.localdate() - timedelta(days=1)

        response = self.client.post(
            reverse("complaints:staff_new"), self.form_data(via="letter", received_date=yesterday.isoformat())
        )

        self.assertRedirects(response, reverse("complaints:submitted"), fetch_redirect_response=False)
        complaint = Complaint.objects.get()
        self.assertEqual(complaint.submitted_via, Complaint.Via.LETTER)
        self.assertEqual(timezone.localdate(complaint.received_at), yesterday)
        self.assertEqual(complaint.created_by, self.rita)
        receipt = self.client.get(reverse("complaints:submitted"))
        self.assertContains(receipt, "逐个字符读给投诉人")
        self.assertContains(receipt, "查询码")

    def test_it_will_not_date_a_complaint_in_the_future(self) -> None:
        self.client.force_login(self.rita)
        tomorrow = timezone.localdate() + timedelta(days=1)

        response = self.client.post(
            reverse("complaints:staff_new"), self.form_data(via="phone", received_date=tomorrow.isoformat())
        )

        self.assertContains(response, "收到日期不能晚于今天")
        self.assertFalse(Complaint.objects.exists())

    def test_it_is_closed_to_institution_staff(self) -> None:
        self.client.force_login(self.ivan)

        response = self.client.get(reverse("complaints:staff_new"))

        self.assertContains(response, "只有监管部门工作人员", status_code=403)


class TrackTests(PageTestCase):
    def test_it_opens_the_complaint_with_number_and_code(self) -> None:
        complaint, code = self.file_complaint()

        response = self.client.post(reverse("complaints:track"), {"number": complaint.number, "code": code.lower()})

        self.assertRedirects(response, self.detail(complaint))
        page = self.client.get(self.detail(complaint))
        self.assertContains(page, complaint.summary)
        self.assertContains(page, "13812345678")  # the complainant sees their own details in full

    def test_it_gives_one_generic_answer_for_a_wrong_code_or_a_wrong_number(self) -> None:
        complaint, code = self.file_complaint()

        wrong_code = self.client.post(reverse("complaints:track"), {"number": complaint.number, "code": "ABCDEFGHJK"})
        wrong_number = self.client.post(reverse("complaints:track"), {"number": "JL-20000101-000001", "code": code})

        for response in (wrong_code, wrong_number):
            self.assertContains(response, "编号或查询码不正确")
        self.assertEqual(self.client.get(self.detail(complaint)).status_code, 404)

    def test_it_prefills_the_number_from_a_link(self) -> None:
        response = self.client.get(reverse("complaints:track"), {"number": "JL-20260301-000001"})

        self.assertContains(response, 'value="JL-20260301-000001"')

    @override_settings(RATELIMIT_ENABLE=True, LOGIN_RATE="3/m")
    def test_it_limits_guessing(self) -> None:
        complaint, code = self.file_complaint()
        for _i in range(3):
            self.client.post(reverse("complaints:track"), {"number": complaint.number, "code": "ABCDEFGHJK"})

        response = self.client.post(reverse("complaints:track"), {"number": complaint.number, "code": code})

        self.assertEqual(response.status_code, 429)


class DetailAccessTests(PageTestCase):
    def test_it_answers_oscar_404_on_carlas_complaint_and_every_action(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla)
        self.client.force_login(self.oscar)

        self.assertEqual(self.client.get(self.detail(complaint)).status_code, 404)
        for name in views.ACTIONS.names():
            response = self.client.post(self.action(complaint, name), {"note": "x", "reason": "x", "confirm": "on"})
            self.assertEqual(response.status_code, 404, name)
        for url in (
            reverse("complaints:reveal", kwargs={"number": complaint.number}),
            reverse("complaints:message", kwargs={"number": complaint.number}),
            reverse("complaints:respond", kwargs={"number": complaint.number, "notice": 1}),
        ):
            self.assertEqual(self.client.post(url, {"thread": "consumer", "body": "你好"}).status_code, 404, url)
        self.assertEqual(complaint.events.count(), 1)

    def test_it_answers_404_to_a_guest_without_the_code(self) -> None:
        complaint, _code = self.file_complaint()

        self.assertEqual(self.client.get(self.detail(complaint)).status_code, 404)
        self.assertEqual(self.client.post(self.action(complaint, "withdraw"), {"confirm": "on"}).status_code, 404)

    def test_it_masks_contact_details_for_staff_until_revealed_and_audits_the_reveal(self) -> None:
        complaint = self.accepted()
        self.client.force_login(self.ivan)

        page = self.client.get(self.detail(complaint))
        self.assertContains(page, "138****5678")
        self.assertNotContains(page, "13812345678")
        self.assertNotContains(page, "220102199003071234")
        self.assertContains(page, "显示完整联系方式")

        response = self.client.post(reverse("complaints:reveal", kwargs={"number": complaint.number}))

        self.assertRedirects(response, self.detail(complaint) + "#personal", fetch_redirect_response=False)
        read = PersonalDataRead.objects.get()
        self.assertEqual((read.user, read.complaint, read.purpose), (self.ivan, complaint, "web"))
        self.assertIn("phone", read.fields)
        self.assertContains(self.client.get(self.detail(complaint)), "13812345678")
        self.assertNotContains(self.client.get(self.detail(complaint)), "13812345678")  # masked again

    def test_it_keeps_staff_only_history_and_notes_from_the_complainant(self) -> None:
        complaint = self.accepted(by=self.carla)
        complaint_supervise(complaint=complaint, by=self.rita, reason="请于五个工作日内联系投诉人核实")
        message_post(
            complaint=complaint, by=self.rita, thread=Message.Thread.REGULATOR_NOTE, body="内部：该行同类投诉较多"
        )
        self.client.force_login(self.carla)

        page = self.client.get(self.detail(complaint))

        self.assertContains(page, "受理并转办机构")
        self.assertNotContains(page, "请于五个工作日内联系投诉人核实")
        self.assertNotContains(page, "该行同类投诉较多")
        self.client.force_login(self.rita)
        staff_page = self.client.get(self.detail(complaint))
        self.assertContains(staff_page, "请于五个工作日内联系投诉人核实")
        self.assertContains(staff_page, "该行同类投诉较多")

    def test_it_serves_an_attachment_only_to_those_who_may_see_it(self) -> None:
        pdf = SimpleUploadedFile("合同.pdf", b"%PDF-1.4 contract", content_type="application/pdf")
        complaint, _code = self.file_complaint(by=self.carla, attachments=[pdf])
        attachment = complaint.attachments.get()
        url = reverse("complaints:attachment", kwargs={"number": complaint.number, "pk": attachment.pk})

        self.client.force_login(self.carla)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertEqual(streamed(response), b"%PDF-1.4 contract")
        self.client.force_login(self.oscar)
        self.assertEqual(self.client.get(url).status_code, 404)


class ActionTests(PageTestCase):
    def test_it_lets_rita_accept_and_ivan_answer_through_the_pages(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla)

        self.client.force_login(self.rita)
        page = self.client.get(self.detail(complaint))
        self.assertContains(page, "受理并转办")
        response = self.client.post(self.action(complaint, "accept"), {"note": "请尽快核实"})
        self.assertRedirects(response, self.detail(complaint) + "#status", fetch_redirect_response=False)
        self.assertContains(self.client.get(self.detail(complaint)), "已受理，并已转机构办理。")
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Complaint.Status.WITH_INSTITUTION)

        self.client.force_login(self.ivan)
        self.assertContains(self.client.get(self.detail(complaint)), "答复投诉人")
        response = self.client.post(
            self.action(complaint, "answer"),
            {"outcome": "upheld", "decision": DECISION, "remedy": "退还年费", "remedy_amount": "600.00"},
        )
        self.assertRedirects(response, self.detail(complaint) + "#status", fetch_redirect_response=False)
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Complaint.Status.ANSWERED)
        self.assertEqual(str(complaint.remedy_amount), "600.00")

        self.client.force_login(self.carla)
        page = self.client.get(self.detail(complaint))
        self.assertContains(page, DECISION)
        self.client.post(self.action(complaint, "feedback"), {"choice": "satisfied"})
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Complaint.Status.CLOSED)

    def test_it_shows_a_services_objection_next_to_the_form(self) -> None:
        complaint = self.accepted()
        self.client.force_login(self.ivan)

        response = self.client.post(self.action(complaint, "answer"), {"outcome": "upheld", "decision": "已处理"})

        self.assertContains(response, 'id="id_answer_decision_error"')
        self.assertContains(response, "错误：请写明核实情况")
        self.assertContains(response, "已处理")
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Complaint.Status.WITH_INSTITUTION)

    def test_it_explains_in_words_when_the_wrong_party_acts(self) -> None:
        complaint = self.accepted()
        self.client.force_login(self.ivan)

        response = self.client.post(self.action(complaint, "supervise"), {"reason": "自己督办自己"})

        self.assertContains(response, "无权", status_code=403)
        self.assertFalse(complaint.supervision_notices.exists())

    def test_it_lets_rita_refuse_with_a_reason_the_complainant_reads(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla)
        reason = first_of(Label.objects.filter(kind=Label.Kind.REFUSAL))
        self.client.force_login(self.rita)

        self.client.post(self.action(complaint, "refuse"), {"reason": reason.pk, "note": "该纠纷已由法院判决。"})

        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Complaint.Status.NOT_ACCEPTED)
        self.client.force_login(self.carla)
        page = self.client.get(self.detail(complaint))
        self.assertContains(page, "该纠纷已由法院判决。")
        self.assertContains(page, reason.name)

    def test_it_sends_rita_back_to_her_queue_after_transferring_to_another_authority(self) -> None:
        complaint, _code = self.file_complaint()
        self.client.force_login(self.rita)

        data = {"to_authority": self.changchun_local.pk, "reason": "属地方金融组织业务"}

        response = self.client.post(self.action(complaint, "transfer"), data)

        self.assertRedirects(response, reverse("complaints:queue"), fetch_redirect_response=False)
        complaint.refresh_from_db()
        self.assertEqual(complaint.authority, self.changchun_local)
        self.client.force_login(self.lou)
        self.assertContains(self.client.get(self.detail(complaint)), "受理并转办")

    def test_it_takes_a_survey_only_once(self) -> None:
        complaint = self.accepted(by=self.carla)
        complaint_answer(complaint=complaint, by=self.ivan, outcome="upheld", decision=DECISION)
        complaint_feedback(complaint=complaint, by=self.carla, choice="satisfied")
        self.client.force_login(self.carla)
        page = self.client.get(self.detail(complaint))
        for level in ("非常满意", "满意", "基本满意", "不满意", "非常不满意"):
            self.assertContains(page, level)

        self.client.post(self.action(complaint, "survey"), {"score": "5", "comment": "处理及时"})
        again = self.client.post(self.action(complaint, "survey"), {"score": "1"})

        self.assertEqual(Survey.objects.get(complaint=complaint).score, 5)
        self.assertContains(again, "每件投诉只能评价一次")
        self.assertNotContains(self.client.get(self.detail(complaint)), "提交评价")

    def test_it_lets_the_complainant_correct_within_the_window_only(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla)
        self.client.force_login(self.carla)
        data = {
            "summary": "信用卡年费被重复扣收",
            "narrative": complaint.narrative + "补充：共扣两次。",
            "amount": "1200",
        }

        self.client.post(self.action(complaint, "correct"), data)

        complaint.refresh_from_db()
        self.assertEqual((complaint.summary, str(complaint.amount)), ("信用卡年费被重复扣收", "1200.00"))
        Complaint.objects.filter(pk=complaint.pk).update(received_at=timezone.now() - timedelta(hours=1))
        self.assertNotContains(self.client.get(self.detail(complaint)), "保存更正")
        late = self.client.post(self.action(complaint, "correct"), {**data, "summary": "太迟的更正"})
        self.assertContains(late, "不能再修改")
        complaint.refresh_from_db()
        self.assertEqual(complaint.summary, "信用卡年费被重复扣收")

    def test_it_lets_a_guest_withdraw_after_confirming(self) -> None:
        complaint, code = self.file_complaint()
        self.client.post(reverse("complaints:track"), {"number": complaint.number, "code": code})

        unconfirmed = self.client.post(self.action(complaint, "withdraw"), {"reason": "已与银行协商解决"})
        self.assertContains(unconfirmed, "错误：")
        self.client.post(self.action(complaint, "withdraw"), {"reason": "已与银行协商解决", "confirm": "on"})

        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Complaint.Status.WITHDRAWN)

    def test_it_carries_messages_between_complainant_and_institution(self) -> None:
        complaint = self.accepted(by=self.carla)
        self.client.force_login(self.carla)

        response = self.client.post(
            reverse("complaints:message", kwargs={"number": complaint.number}),
            {"thread": "consumer", "body": "补充：客服工号1234曾承诺免年费。"},
        )

        self.assertRedirects(response, self.detail(complaint) + "#thread-consumer", fetch_redirect_response=False)
        self.client.force_login(self.ivan)
        self.assertContains(self.client.get(self.detail(complaint)), "客服工号1234曾承诺免年费")
        self.assertTrue(Notification.objects.filter(user=self.ivan, text__contains="新留言").exists())

    def test_it_lets_the_institution_answer_a_supervision_notice(self) -> None:
        complaint = self.accepted()
        notice = complaint_supervise(complaint=complaint, by=self.rita, reason="请尽快联系投诉人")
        self.client.force_login(self.ivan)

        self.client.post(
            reverse("complaints:respond", kwargs={"number": complaint.number, "notice": notice.pk}),
            {"response": "已于今日联系投诉人并约定面谈。"},
        )

        notice.refresh_from_db()
        self.assertEqual(notice.response, "已于今日联系投诉人并约定面谈。")
        self.assertTrue(complaint.events.filter(kind=Event.Kind.SUPERVISION_ANSWERED).exists())


class MyPagesTests(PageTestCase):
    def test_it_lists_carlas_complaints_with_the_next_step_in_words(self) -> None:
        complaint = self.accepted(by=self.carla)
        self.client.force_login(self.carla)

        page = self.client.get(reverse("complaints:mine"))

        self.assertContains(page, complaint.number)
        self.assertContains(page, "金融机构正在办理")
        self.assertContains(page, "期限：")

    def test_it_shows_an_empty_list_with_a_way_to_complain(self) -> None:
        self.file_complaint(by=self.carla)
        self.client.force_login(self.oscar)

        page = self.client.get(reverse("complaints:mine"))

        self.assertContains(page, "您还没有通过这个账户提交过投诉")
        self.assertContains(page, reverse("complaints:new"))

    def test_it_marks_notifications_read(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla)
        notification = Notification.objects.get(user=self.carla)
        self.client.force_login(self.carla)
        self.assertContains(self.client.get(reverse("complaints:notifications")), complaint.number)

        self.client.post(reverse("complaints:notifications_read"), {"notification": notification.pk})

        notification.refresh_from_db()
        self.assertIsNotNone(notification.read_at)
        self.assertContains(self.client.get(reverse("complaints:notifications")), "未读 0 条")

    def test_it_never_marks_someone_elses_notifications(self) -> None:
        self.file_complaint(by=self.carla)
        notification = Notification.objects.get(user=self.carla)
        self.client.force_login(self.oscar)

        self.client.post(reverse("complaints:notifications_read"), {"notification": notification.pk})

        notification.refresh_from_db()
        self.assertIsNone(notification.read_at)
