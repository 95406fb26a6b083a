"""The reporting pages and the officers' desk as people use them: forms posted, pages read in words."""

import base64
import io
import re
import zlib
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from xiaobao.registry.models import Authority
from xiaobao.testing import streamed, worksheet
from xiaobao.tipoffs import services, views
from xiaobao.tipoffs.models import Clue, ContactRead, Report, ReportMessage, Reward, RewardTier, TriageSettings
from xiaobao.tipoffs.tests.base import SCHEME, TipoffTestCase, png

CSRF = re.compile(r'(csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]+"')
RECEIPT_SHOWN = re.compile(r'id="receipt">(\d{4} \d{4} \d{4} \d{4})<')


def pdf_text(pdf: bytes) -> str:
    """The strings a PDF's pages draw, read back without a PDF library (none is installed): each page's
    content stream unpacked (ASCII85, then Flate), the literal strings of its Tj operators unescaped,
    and the CID font's UTF-16BE code points decoded."""
    drawn = []
    for stream in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        content = zlib.decompress(base64.a85decode(stream.group(1).strip().removesuffix(b"~>")))
        for literal in re.finditer(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content, re.S):
            raw = re.sub(
                rb"\\([0-7]{1,3}|.)",
                lambda m: bytes([int(m.group(1), 8)]) if m.group(1)[:1].isdigit() else m.group(1),
                literal.group(1),
            )
            drawn.append(raw.decode("utf-16-be", errors="replace") if len(raw) % 2 == 0 else raw.decode("latin-1"))
    return "\n".join(drawn)


# ---------------------------------------------------------------------------------------------
# The public report


class ReportFormTests(TipoffTestCase):
    def test_it_explains_anonymity_plainly_and_marks_required_fields(self) -> None:
        r = self.client.get(reverse("tipoffs:new"))

        self.assertContains(r, "不需要留姓名")
        self.assertContains(r, "我们不记录您的IP地址")
        self.assertContains(r, "请记下举报回执号")
        self.assertContains(r, "（必填）")
        self.assertContains(r, "<optgroup", msg_prefix="regions are grouped by city")
        self.assertNotIn("sessionid", r.cookies)

    def test_it_says_what_is_wrong_in_chinese_and_files_nothing(self) -> None:
        r = self.client.post(reverse("tipoffs:new"), {"anonymous": "1"})

        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "提交未成功，请修改以下问题后再提交")
        self.assertContains(r, 'id="id_subject_name_error"')
        self.assertContains(r, "错误：该字段是必填项。")
        self.assertContains(r, 'aria-invalid="true"')
        self.assertFalse(Report.objects.exists())

    def test_it_asks_a_named_reporter_for_a_name_and_a_way_to_reach_them(self) -> None:
        r = self.client.post(reverse("tipoffs:new"), self.form_data(anonymous="0"))

        self.assertContains(r, "留下联系方式时，请填写您的姓名。")
        self.assertContains(r, "留下联系方式时，请至少填写电话或电子邮箱中的一项。")
        self.assertFalse(Report.objects.exists())

    def test_it_refuses_a_reward_wish_on_an_anonymous_report(self) -> None:
        r = self.client.post(reverse("tipoffs:new"), self.form_data(wants_reward="on"))

        self.assertContains(r, "申请奖励需要留下姓名和联系方式")
        self.assertFalse(Report.objects.exists())

    def test_it_shows_a_bad_evidence_file_by_name_next_to_the_field(self) -> None:
        bad = SimpleUploadedFile("合同.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")

        r = self.client.post(reverse("tipoffs:new"), {**self.form_data(), "evidence": [bad]})

        self.assertContains(r, 'id="id_evidence_error"')
        self.assertContains(r, "合同.pdf")
        self.assertContains(r, "浏览器不能保留您已选择的文件")
        self.assertFalse(Report.objects.exists())

    def test_it_files_an_anonymous_report_and_shows_the_receipt_once_without_a_session(self) -> None:
        r = self.client.post(
            reverse("tipoffs:new"),
            {**self.form_data(contact_name="不该保存", contact_phone="13800000000"), "evidence": [png()]},
        )

        self.assertEqual(r.status_code, 200, "the receipt is the answer to the POST, not a redirect")
        self.assertTemplateUsed(r, "tipoffs/receipt.html")
        shown = RECEIPT_SHOWN.search(r.content.decode())
        assert shown is not None, "the receipt is shown in four groups of four digits"
        receipt = shown.group(1).replace(" ", "")
        self.assertIn("no-store", r["Cache-Control"])
        self.assertContains(r, "只在这里显示这一次")
        self.assertNotIn("sessionid", r.cookies)
        self.assertFalse(self.client.session.keys(), "nothing about the reporter is written to a session")

        report = Report.objects.get()
        self.assertEqual(services.report_for_receipt(receipt), report)
        self.assertTrue(report.anonymous)
        self.assertIsNone(report.reporter)
        self.assertEqual((report.contact_name, report.contact_phone), ("", ""))
        self.assertEqual(report.evidence.count(), 1)
        self.assertEqual(report.people, 40)
        self.assertNotIn(receipt, report.receipt_hash)

        again = self.client.get(reverse("tipoffs:new"))
        self.assertNotContains(again, shown.group(1))
        self.assertNotContains(self.client.get(reverse("tipoffs:lookup")), shown.group(1))

    def test_it_files_a_named_report_under_the_signed_in_consumers_account(self) -> None:
        self.client.force_login(self.carla)

        r = self.client.post(
            reverse("tipoffs:new"),
            self.form_data(anonymous="0", contact_name="王淑芬", contact_phone="139 0431 0000", wants_reward="on"),
        )

        self.assertTemplateUsed(r, "tipoffs/receipt.html")
        report = Report.objects.get()
        self.assertFalse(report.anonymous)
        self.assertEqual(report.contact_phone, "13904310000")
        self.assertTrue(report.wants_reward)
        self.assertEqual(report.reporter, self.carla)

    def test_it_never_links_an_anonymous_report_to_the_signed_in_account(self) -> None:
        self.client.force_login(self.carla)

        self.client.post(reverse("tipoffs:new"), self.form_data())

        self.assertIsNone(Report.objects.get().reporter)

    @override_settings(RATELIMIT_ENABLE=True)
    def test_it_limits_reports_per_client_to_the_configured_hourly_number(self) -> None:
        TriageSettings.objects.update(reports_per_hour=2)

        for _ in range(2):
            self.assertTemplateUsed(self.client.post(reverse("tipoffs:new"), self.form_data()), "tipoffs/receipt.html")
        r = self.client.post(reverse("tipoffs:new"), self.form_data())

        self.assertEqual(r.status_code, 429)
        self.assertContains(r, "操作太频繁，请稍后再试", status_code=429)
        self.assertEqual(Report.objects.count(), 2)


# ---------------------------------------------------------------------------------------------
# Follow-up by receipt


class LookupTests(TipoffTestCase):
    def lookup(self, receipt: str) -> Any:
        return self.client.post(reverse("tipoffs:lookup"), {"receipt": receipt})

    def test_it_shows_status_and_the_officers_question_for_the_right_receipt(self) -> None:
        report, receipt = self.file_report()
        services.report_ask(report=report, by=self.fay, question="请问宣传单上的联系电话是多少？")

        r = self.lookup(f"{receipt[:4]} {receipt[4:8]}-{receipt[8:]}")

        self.assertTemplateUsed(r, "tipoffs/status.html")
        self.assertContains(r, "需要补充情况")
        self.assertContains(r, "工作人员需要您补充一些情况")
        self.assertContains(r, "请问宣传单上的联系电话是多少？")
        self.assertIn("no-store", r["Cache-Control"])
        self.assertNotIn("sessionid", r.cookies)

    def test_it_answers_a_wrong_receipt_exactly_like_one_that_does_not_exist(self) -> None:
        _report, receipt = self.file_report()
        near_miss = receipt[:-1] + str((int(receipt[-1]) + 1) % 10)

        wrong = self.lookup(near_miss)
        unknown = self.lookup("0000000000000000")

        for r in (wrong, unknown):
            self.assertEqual(r.status_code, 200)
            self.assertTemplateUsed(r, "tipoffs/lookup.html")
            self.assertContains(r, "回执号不正确或不存在")
        # The same page, word for word, but for the receipt typed and the per-response CSRF token.
        self.assertEqual(
            CSRF.sub("", wrong.content.decode().replace(near_miss, "X")),
            CSRF.sub("", unknown.content.decode().replace("0000000000000000", "X")),
        )

    def test_it_never_looks_up_a_receipt_given_in_the_url(self) -> None:
        _report, receipt = self.file_report()

        r = self.client.get(reverse("tipoffs:lookup"), {"receipt": receipt})

        self.assertTemplateUsed(r, "tipoffs/lookup.html")
        self.assertNotContains(r, "举报办理情况")

    def test_it_takes_the_reporters_answer_with_evidence_and_resumes_triage(self) -> None:
        report, receipt = self.file_report()
        services.report_ask(report=report, by=self.fay, question="请上传宣传单照片。")

        r = self.client.post(
            reverse("tipoffs:reply"), {"receipt": receipt, "body": "宣传单照片在附件里。", "evidence": [png()]}
        )

        self.assertTemplateUsed(r, "tipoffs/status.html")
        self.assertContains(r, "您的回复已发送")
        self.assertContains(r, "宣传单照片在附件里。")
        self.assertIn("no-store", r["Cache-Control"])
        message = ReportMessage.objects.get(party=ReportMessage.Party.REPORTER)
        self.assertEqual(message.evidence.count(), 1)
        report.refresh_from_db()
        self.assertEqual(report.status, Report.Status.UNDER_REVIEW)

    def test_it_keeps_the_receipt_when_the_reply_has_an_error(self) -> None:
        _report, receipt = self.file_report()

        r = self.client.post(reverse("tipoffs:reply"), {"receipt": receipt, "body": ""})

        self.assertTemplateUsed(r, "tipoffs/status.html")
        self.assertContains(r, 'id="id_reply_body_error"')
        self.assertContains(r, f'value="{receipt}"')
        self.assertFalse(ReportMessage.objects.exists())

    def test_it_refuses_a_reply_with_a_wrong_receipt_like_a_wrong_look_up(self) -> None:
        self.file_report()

        r = self.client.post(reverse("tipoffs:reply"), {"receipt": "1234567812345678", "body": "试试看"})

        self.assertTemplateUsed(r, "tipoffs/lookup.html")
        self.assertContains(r, "回执号不正确或不存在")
        self.assertFalse(ReportMessage.objects.exists())

    def test_it_shows_the_reporter_a_closed_status_but_never_the_officers_reason(self) -> None:
        report, receipt = self.file_report()
        services.report_close(report=report, by=self.fay, reason="经核实系正规养老机构的预付费，不属于非法集资。")

        r = self.lookup(receipt)

        self.assertContains(r, "已办结")
        self.assertNotContains(r, "正规养老机构")
        self.assertNotContains(r, "回复工作人员或补充情况")

    @override_settings(RATELIMIT_ENABLE=True, LOGIN_RATE="3/h")
    def test_it_throttles_receipt_guesses_even_before_the_right_one(self) -> None:
        _report, receipt = self.file_report()
        for guess in ("1111111111111111", "2222222222222222"):
            self.assertContains(self.lookup(guess), "回执号不正确或不存在")
        self.client.post(reverse("tipoffs:reply"), {"receipt": "3333333333333333", "body": "猜"})

        r = self.lookup(receipt)

        self.assertEqual(r.status_code, 429)
        self.assertNotContains(r, "举报办理情况", status_code=429)


# ---------------------------------------------------------------------------------------------
# The officers' desk


class DeskTests(TipoffTestCase):
    def action(self, report: Report, name: str, data: dict[str, Any] | None = None) -> Any:
        return self.client.post(reverse(f"tipoffs:report_{name}", kwargs={"number": report.number}), data or {})

    def clue_action(self, clue: Clue, name: str, data: dict[str, Any]) -> Any:
        return self.client.post(reverse(f"tipoffs:clue_{name}", kwargs={"number": clue.number}), data)

    def test_it_lists_clues_with_counts_the_rising_signal_and_grouped_new_reports(self) -> None:
        first, _r = self.file_report()
        clue = services.clue_open(report=first, by=self.fay)
        for name in ("长青养老", "长青康养中心"):
            self.file_report(subject_name=name)  # same collecting account: they join the clue
        self.file_report(
            subject_name="吉林某某矿机公司", collecting_accounts="", scheme="买矿机挖虚拟币，日息1%，拉人头有奖励。"
        )
        self.client.force_login(self.fay)

        r = self.client.get(reverse("tipoffs:queue"))

        self.assertEqual(r.status_code, 200)
        page = r.content.decode()
        self.assertIn(clue.number, page)
        found = re.search(rf"{clue.number}.*?</tr>", page, re.S)
        assert found is not None, "the clue has a row in the queue"
        row = found.group(0)
        self.assertIn("<td>3 <span", row)
        self.assertIn("近期举报增加", row)
        self.assertIn("风险", row)
        self.assertIn("吉林某某矿机公司", page)
        self.assertContains(r, "尚未立为线索的举报：1 组")

    def test_it_filters_the_queue_and_exports_the_clue_list_to_excel(self) -> None:
        report, _r = self.file_report()
        clue = services.clue_open(report=report, by=self.fay)
        self.client.force_login(self.fay)

        self.assertNotContains(self.client.get(reverse("tipoffs:queue"), {"q": "不存在的公司"}), clue.number)
        r = self.client.get(reverse("tipoffs:export"), {"q": "长青"})

        self.assertEqual(r.status_code, 200)
        self.assertIn("spreadsheetml", r["Content-Type"])
        sheet = worksheet(load_workbook(io.BytesIO(streamed(r))))
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][:4], ("线索编号", "涉嫌主体", "处非部门", "状态"))
        self.assertEqual(rows[1][0], clue.number)
        self.assertEqual(rows[1][1], "吉林省长青养老服务有限公司")
        self.assertNotIn("王淑芬", str(rows))

    def test_it_masks_the_reporters_contact_and_records_each_full_view(self) -> None:
        report, _r = self.named_report()
        self.client.force_login(self.fay)
        url = reverse("tipoffs:report", kwargs={"number": report.number})

        r = self.client.get(url)
        self.assertContains(r, "王**")
        self.assertContains(r, "139****0000")
        self.assertNotContains(r, "13904310000")

        revealed = self.client.post(reverse("tipoffs:report_reveal", kwargs={"number": report.number}))
        self.assertContains(revealed, "13904310000")
        self.assertIn("no-store", revealed["Cache-Control"])
        read = ContactRead.objects.get()
        self.assertEqual((read.user, read.report), (self.fay, report))
        self.assertNotContains(self.client.get(url), "13904310000", msg_prefix="hidden again after leaving")

    def test_it_shows_the_risk_pre_score_with_its_reasons(self) -> None:
        report, _r = self.file_report()
        self.client.force_login(self.fay)

        r = self.client.get(reverse("tipoffs:report", kwargs={"number": report.number}))

        self.assertGreater(report.risk_score, 0)
        self.assertContains(r, f"{report.risk_score} 分")
        for reason in report.risk_reasons:
            self.assertContains(r, reason)

    def test_it_asks_the_reporter_and_the_reporter_reads_it_with_the_receipt(self) -> None:
        report, receipt = self.file_report()
        self.client.force_login(self.fay)

        r = self.action(report, "ask", {"question": "宣传单是在哪个小区发的？"})

        self.assertRedirects(r, reverse("tipoffs:report", kwargs={"number": report.number}) + "#status")
        report.refresh_from_db()
        self.assertEqual(report.status, Report.Status.NEEDS_INFO)
        self.client.logout()
        self.assertContains(
            self.client.post(reverse("tipoffs:lookup"), {"receipt": receipt}), "宣传单是在哪个小区发的？"
        )

    def test_it_shows_an_action_error_in_words_next_to_its_form(self) -> None:
        report, _r = self.file_report()
        self.client.force_login(self.fay)

        r = self.action(report, "close", {"reason": ""})

        self.assertEqual(r.status_code, 200)
        self.assertContains(r, 'id="id_close_reason_error"')
        self.assertContains(r, "错误：")
        report.refresh_from_db()
        self.assertEqual(report.status, Report.Status.RECEIVED)

    def test_it_reviews_opens_a_clue_assigns_and_refers_it_to_the_police(self) -> None:
        report, _r = self.file_report()
        self.client.force_login(self.fay)

        self.action(report, "review")
        report.refresh_from_db()
        self.assertEqual(report.status, Report.Status.UNDER_REVIEW)
        r = self.action(report, "open", {"assign_to": self.fay.pk})
        report.refresh_from_db()
        clue = report.clue
        assert clue is not None
        self.assertEqual(report.status, Report.Status.CLUE_OPENED)
        self.assertEqual(clue.assigned_to, self.fay)
        self.assertEqual(clue.status, Clue.Status.INVESTIGATING)

        r = self.client.get(reverse("tipoffs:clue", kwargs={"number": clue.number}))
        self.assertContains(r, report.number)
        self.assertContains(r, "下载线索卷宗（PDF）")
        r = self.clue_action(clue, "refer", {"to": "police", "note": "涉嫌非法吸收公众存款，移送公安机关。"})
        self.assertRedirects(r, reverse("tipoffs:clue", kwargs={"number": clue.number}))
        clue.refresh_from_db()
        report.refresh_from_db()
        self.assertEqual(clue.status, Clue.Status.REFERRED)
        self.assertEqual(report.status, Report.Status.REFERRED)

    def test_it_refers_a_clue_to_another_city_which_then_leaves_the_officers_hands(self) -> None:
        report, _r = self.file_report()
        clue = services.clue_open(report=report, by=self.fay)
        self.client.force_login(self.fay)

        r = self.clue_action(clue, "refer", {"to": "region", "authority": "", "note": "实际注册地在吉林市。"})
        self.assertContains(r, "移送其他地区时，请选择接收的处置非法集资部门。")

        jilinshi = Authority.objects.get(code="fundraising-jilinshi")
        r = self.clue_action(clue, "refer", {"to": "region", "authority": jilinshi.pk, "note": "实际注册地在吉林市。"})

        self.assertRedirects(r, reverse("tipoffs:queue"))
        self.client.force_login(self.jin)
        self.assertEqual(self.client.get(reverse("tipoffs:clue", kwargs={"number": clue.number})).status_code, 200)

    def test_it_merges_one_clue_into_another(self) -> None:
        a, _r = self.file_report()
        b, _r = self.file_report(subject_name="长春万福康养公司", collecting_accounts="6217 0000 1111 2222")
        clue_a = services.clue_open(report=a, by=self.fay)
        clue_b = services.clue_open(report=b, by=self.fay)
        self.client.force_login(self.fay)

        r = self.clue_action(clue_b, "merge", {"into": "XS-00000000-999999"})
        self.assertContains(r, "没有找到这个线索编号")

        r = self.clue_action(clue_b, "merge", {"into": clue_a.number.lower()})

        self.assertRedirects(r, reverse("tipoffs:clue", kwargs={"number": clue_a.number}))
        b.refresh_from_db()
        clue_b.refresh_from_db()
        self.assertEqual(b.clue, clue_a)
        self.assertEqual(clue_b.status, Clue.Status.CLOSED)

    def test_it_closes_a_report_with_a_reason(self) -> None:
        report, _r = self.file_report()
        self.client.force_login(self.fay)

        self.action(report, "close", {"reason": "经核实为合法经营的养老机构。"})

        report.refresh_from_db()
        self.assertEqual(report.status, Report.Status.CLOSED)
        r = self.client.get(reverse("tipoffs:report", kwargs={"number": report.number}))
        self.assertContains(r, "经核实为合法经营的养老机构。")

    def test_it_decides_a_reward_the_named_reporter_then_reads_with_the_receipt(self) -> None:
        report, receipt = self.named_report()
        services.clue_open(report=report, by=self.fay, assign_to=self.fay)
        tier = RewardTier.objects.get(name="立案奖励")
        self.client.force_login(self.fay)

        r = self.action(
            report, "reward", {"granted": "1", "tier": tier.pk, "amount": "800", "reason": "实名首报，线索经核查属实。"}
        )

        self.assertEqual(r.status_code, 302)
        reward = Reward.objects.get(report=report)
        self.assertTrue(reward.granted)
        self.client.logout()
        status = self.client.post(reverse("tipoffs:lookup"), {"receipt": receipt})
        self.assertContains(status, "奖励决定")
        self.assertContains(status, "800.00 元")
        self.assertContains(status, "实名首报，线索经核查属实。")

    def test_it_does_not_offer_a_reward_on_an_anonymous_report(self) -> None:
        report, _r = self.file_report()
        services.clue_open(report=report, by=self.fay)
        self.client.force_login(self.fay)

        r = self.client.get(reverse("tipoffs:report", kwargs={"number": report.number}))

        self.assertNotContains(r, 'id="action-reward"')
        self.assertContains(r, "匿名举报")

    def test_it_gives_a_city_officer_404_for_another_citys_report_and_clue(self) -> None:
        report, _r = self.file_report()
        clue = services.clue_open(report=report, by=self.fay)
        self.client.force_login(self.jin)

        for url in (
            reverse("tipoffs:report", kwargs={"number": report.number}),
            reverse("tipoffs:clue", kwargs={"number": clue.number}),
            reverse("tipoffs:clue_dossier", kwargs={"number": clue.number}),
        ):
            self.assertEqual(self.client.get(url).status_code, 404, url)
        self.assertEqual(self.action(report, "close", {"reason": "不是我的"}).status_code, 404)
        self.assertEqual(
            self.client.post(reverse("tipoffs:report_reveal", kwargs={"number": report.number})).status_code, 404
        )
        self.assertNotContains(self.client.get(reverse("tipoffs:queue")), report.number)
        report.refresh_from_db()
        self.assertEqual(report.status, Report.Status.CLUE_OPENED)

    def test_it_lets_the_province_see_every_citys_reports(self) -> None:
        report, _r = self.file_report(subject_region=self.changyi)
        self.client.force_login(self.pia)

        self.assertEqual(self.client.get(reverse("tipoffs:report", kwargs={"number": report.number})).status_code, 200)

    def test_it_shows_a_bank_regulator_only_its_notifications_and_lets_it_only_read(self) -> None:
        notified, _r = self.named_report(institution=self.icbc_changchun)
        services.officer_message(report=notified, by=self.fay, body="请问您是在哪个网点看到宣传的？")
        services.report_close(report=notified, by=self.fay, reason="内部备注：已与银行核实，系员工私下代销。")
        other, _r = self.file_report(subject_name="另一家公司", collecting_accounts="")
        self.assertIsNotNone(notified.notified_authority)
        self.client.force_login(self.rita)

        queue = self.client.get(reverse("tipoffs:queue"))
        self.assertContains(queue, notified.number)
        self.assertNotContains(queue, other.number)
        page = self.client.get(reverse("tipoffs:report", kwargs={"number": notified.number}))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'id="actions"')
        for private in ("王*", "139****0000", "请问您是在哪个网点", "员工私下代销", "显示完整联系方式"):
            self.assertNotContains(page, private)
        self.assertEqual(self.action(notified, "close", {"reason": "越权"}).status_code, 403)
        self.assertEqual(self.client.get(reverse("tipoffs:report", kwargs={"number": other.number})).status_code, 404)

    def test_it_keeps_people_without_a_desk_out(self) -> None:
        login = self.client.get(reverse("tipoffs:queue"))
        self.assertEqual(login.status_code, 302)
        self.client.force_login(self.carla)
        self.assertEqual(self.client.get(reverse("tipoffs:queue")).status_code, 403)
        report, _r = self.file_report()
        self.assertEqual(self.client.get(reverse("tipoffs:report", kwargs={"number": report.number})).status_code, 404)

    def test_it_serves_the_dossier_as_a_pdf_that_draws_the_clues_chinese_text_in_the_cid_font(self) -> None:
        report, _r = self.file_report()
        clue = services.clue_open(report=report, by=self.fay)
        self.client.force_login(self.fay)

        r = self.client.get(reverse("tipoffs:clue_dossier", kwargs={"number": clue.number}))

        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], "application/pdf")
        self.assertTrue(r.content.startswith(b"%PDF-"))
        self.assertIn(b"/BaseFont /STSong-Light", r.content)
        drawn = pdf_text(r.content)
        self.assertIn(f"涉嫌主体：{clue.title}", drawn)
        self.assertIn(report.number, drawn)
        self.assertIn("线索卷宗", drawn)

    def test_it_writes_the_dossier_without_the_reporters_identity(self) -> None:
        report, _r = self.named_report()
        clue = services.clue_open(report=report, by=self.fay)

        text = "\n".join(line for _style, line in views.dossier_lines(clue, [report]))

        self.assertIn(clue.number, text)
        self.assertIn(SCHEME, text)
        self.assertNotIn("王淑芬", text)
        self.assertNotIn("13904310000", text)
