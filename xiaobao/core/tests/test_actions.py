"""Page actions (xiaobao.core.actions): a posted form carried out, or shown again with its errors."""

from typing import Any

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.test import RequestFactory, SimpleTestCase

from xiaobao.core.actions import Action, Actions, offers, orphan_errors, perform


class NoteForm(forms.Form):
    note = forms.CharField(max_length=20)


class Case:
    """What an action is done to in these tests: it remembers the notes written on it."""

    def __init__(self, *, open: bool = True) -> None:
        self.open = open
        self.notes: list[str] = []


def write_note(case: Case, by: str, data: dict[str, Any]) -> Case:
    if data["note"] == "late":
        raise ValidationError({"note": "已经办结，不能再写。"})
    if data["note"] == "closed":
        raise ValidationError("这件事已经办结。")
    if data["note"] == "stranger":
        raise PermissionDenied("只有承办人可以写备注。")
    case.notes.append(f"{by}: {data['note']}")
    return case


def close(case: Case, by: str, data: dict[str, Any]) -> None:
    if not case.open:
        raise ValidationError("已经办结。")
    case.open = False


NOTE = Action[Case, str]("note", "写备注", NoteForm, write_note, "备注已保存。", button="保存")
CLOSE = Action[Case, str]("close", "办结", None, close, "已办结。", danger=True, shown=lambda case, by: case.open)
ACTIONS = Actions(NOTE, CLOSE)


class PerformTests(SimpleTestCase):
    def post(self, data: dict[str, str] | None = None) -> HttpRequest:
        request = RequestFactory().post("/case/1/note/", data or {})
        request.user = AnonymousUser()
        request._messages = CookieStorage(request)  # type: ignore[attr-defined]
        return request

    def perform(self, request: HttpRequest, action: Action[Case, str], case: Case, form: BaseForm | None) -> Any:
        self.again: BaseForm | None = None

        def again(form: BaseForm | None) -> HttpResponse:
            self.again = form
            return HttpResponse("the page again", status=400)

        return perform(
            request,
            case,
            action,
            by="Ivan",
            form=form,
            again=again,
            then=lambda result: HttpResponse(status=302, headers={"Location": "/case/1/"}),
        )

    def messages(self, request: HttpRequest) -> list[str]:
        return [str(m) for m in get_messages(request)]

    def test_it_calls_the_service_with_the_cleaned_data_and_redirects_with_the_success_message(self) -> None:
        case, request = Case(), self.post({"note": "已电话联系"})

        response = self.perform(request, NOTE, case, NoteForm(request.POST))

        self.assertEqual(response.status_code, 302)
        self.assertEqual(case.notes, ["Ivan: 已电话联系"])
        self.assertEqual(self.messages(request), ["备注已保存。"])

    def test_it_shows_the_page_again_with_the_form_errors_and_does_not_call_the_service(self) -> None:
        case, request = Case(), self.post({"note": ""})

        response = self.perform(request, NOTE, case, NoteForm(request.POST))

        self.assertEqual(response.status_code, 400)
        self.assertEqual(case.notes, [])
        assert self.again is not None
        self.assertIn("note", self.again.errors)

    def test_it_puts_a_services_error_next_to_the_field_it_names(self) -> None:
        request = self.post({"note": "late"})

        self.perform(request, NOTE, Case(), NoteForm(request.POST))

        assert self.again is not None
        self.assertEqual(self.again.errors["note"], ["已经办结，不能再写。"])
        self.assertEqual(self.messages(request), [])

    def test_it_puts_a_services_error_that_names_no_field_above_the_form(self) -> None:
        request = self.post({"note": "closed"})

        self.perform(request, NOTE, Case(), NoteForm(request.POST))

        assert self.again is not None
        self.assertEqual(self.again.non_field_errors(), ["这件事已经办结。"])

    def test_it_refuses_in_the_services_words_when_the_service_says_not_allowed(self) -> None:
        request = self.post({"note": "stranger"})

        response = self.perform(request, NOTE, Case(), NoteForm(request.POST))

        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "只有承办人可以写备注。", status_code=403)

    def test_it_refuses_in_the_pages_own_words_when_it_has_them(self) -> None:
        request = self.post({"note": "stranger"})
        form = NoteForm(request.POST)

        response = perform(
            request,
            Case(),
            NOTE,
            by="Oscar",
            form=form,
            again=lambda form: HttpResponse(),
            then=lambda result: HttpResponse(),
            refusal="监测预警只对工作人员开放。",
        )

        self.assertContains(response, "监测预警只对工作人员开放。", status_code=403)
        self.assertNotContains(response, "只有承办人", status_code=403)

    def test_it_turns_a_buttons_error_into_a_message_over_the_page(self) -> None:
        request = self.post()

        response = self.perform(request, CLOSE, Case(open=False), None)

        self.assertEqual(response.status_code, 400)
        self.assertIsNone(self.again)
        self.assertEqual(self.messages(request), ["错误：已经办结。"])


class OfferTests(SimpleTestCase):
    def test_it_offers_the_actions_named_and_allowed_in_page_order(self) -> None:
        self.assertEqual([a.name for a in ACTIONS.offered(Case(), "Ivan", ["close", "note"])], ["note", "close"])
        self.assertEqual([a.name for a in ACTIONS.offered(Case(open=False), "Ivan")], ["note"])
        self.assertEqual([a.name for a in ACTIONS.offered(Case(), "Ivan", ["note"])], ["note"])

    def test_it_answers_404_for_an_action_that_does_not_exist(self) -> None:
        with self.assertRaises(Http404):
            ACTIONS["delete"]

    def test_it_keeps_what_the_user_posted_in_the_panel_and_offers_the_others_blank(self) -> None:
        posted = NoteForm({"note": ""})
        posted.is_valid()

        panel = offers(
            ACTIONS.offered(Case(), "Ivan"),
            bound={"note": posted},
            blank=lambda action: NoteForm() if action.form else None,
            url=lambda action: f"/case/1/{action.name}/",
        )

        self.assertIs(panel[0].form, posted)
        self.assertEqual((panel[0].label, panel[0].button, panel[0].url), ("写备注", "保存", "/case/1/note/"))
        self.assertEqual((panel[1].button, panel[1].danger, panel[1].form), ("办结", True, None))

    def test_it_still_shows_the_errors_of_an_action_no_longer_offered(self) -> None:
        posted = NoteForm({"note": ""})
        posted.is_valid()

        self.assertEqual(orphan_errors({"note": posted}, ["close"]), ["该字段是必填项。"])
        self.assertEqual(orphan_errors({"note": posted}, ["note"]), [])
