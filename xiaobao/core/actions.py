"""Page actions: what a detail page offers (accept a complaint, assign a mediator, close an alert...),
declared once, and the one way a posted action is carried out.

An app declares its actions as `Action` values and offers them on the page with `offers()`; the view
that receives the form calls `perform()`:

    valid form → the service → a success message → redirect (post/redirect/get);
    invalid form, or a ValidationError from the service → the page again, the error by its field;
    PermissionDenied from the service → the refusal page in words (403).

The page itself stays the app's: perform() is handed how to draw it again (`again`) and where to
go after success (`then`), because those differ from page to page.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from xiaobao.core.pages import add_service_error, forbidden

Obj = TypeVar("Obj")  # what the action is done to: a complaint, a dispute, an alert...
By = TypeVar("By")  # who does it: a user, or the guest who proved a complaint's code
Data = dict[str, Any]


def _cleaned(form: BaseForm) -> Data:
    return form.cleaned_data


@dataclass(frozen=True)
class Action(Generic[Obj, By]):
    """One thing a user may do on a page: its form, the service call that does it, and its words."""

    name: str  # the URL's <action>, the form's id on the page
    label: StrOrPromise  # the heading over the form
    form: type[BaseForm] | None  # None: a button alone
    run: Callable[[Obj, By, Data], object]  # the service call, with the form's cleaned data
    success: StrOrPromise | Callable[[Data], StrOrPromise]  # the message after it worked
    button: StrOrPromise = ""  # the button's words; the label when empty
    danger: bool = False  # shown as a red button: it ends or undoes something
    help: StrOrPromise = ""  # a line under the heading
    confirm: StrOrPromise = ""  # said beside the button, for a step that cannot be undone
    shown: Callable[[Obj, By], bool] | None = None  # who may see it, and when (the service checks again)
    data: Callable[[Any], Data] = field(default=_cleaned)  # what run() receives from the valid form

    def may_see(self, obj: Obj, by: By) -> bool:
        return self.shown is None or self.shown(obj, by)

    @property
    def button_text(self) -> StrOrPromise:
        return self.button or self.label

    def success_message(self, data: Data) -> StrOrPromise:
        return self.success(data) if callable(self.success) else self.success


class Actions(Generic[Obj, By]):
    """The actions of one kind of page, in the order their forms appear on it."""

    def __init__(self, *actions: Action[Obj, By]) -> None:
        self._actions = {action.name: action for action in actions}

    def __getitem__(self, name: str) -> Action[Obj, By]:
        """The action a URL names; an unknown name is a 404, like an unknown page."""
        try:
            return self._actions[name]
        except KeyError:
            raise Http404 from None

    def __contains__(self, name: object) -> bool:
        return name in self._actions

    def __iter__(self) -> Iterator[Action[Obj, By]]:
        return iter(self._actions.values())

    def names(self) -> list[str]:
        return list(self._actions)

    def offered(self, obj: Obj, by: By, names: Iterable[str] | None = None) -> list[Action[Obj, By]]:
        """The actions offered to `by` now: those named (all when None) that it may see, in page order."""
        wanted = set(self._actions) if names is None else set(names)
        return [a for a in self._actions.values() if a.name in wanted and a.may_see(obj, by)]


@dataclass(frozen=True)
class Offer:
    """An action as the actions panel draws it (templates/_partials/actions.html)."""

    name: str
    label: StrOrPromise
    button: StrOrPromise
    danger: bool
    help: StrOrPromise
    confirm: StrOrPromise
    form: BaseForm | None  # blank, or as the user posted it when it came back with errors
    url: str

    @property
    def multipart(self) -> bool:
        return bool(self.form is not None and self.form.is_multipart())


def offers(
    actions: Iterable[Action[Obj, By]],
    *,
    bound: Mapping[str, Any],
    blank: Callable[[Action[Obj, By]], BaseForm | None],
    url: Callable[[Action[Obj, By]], str],
) -> list[Offer]:
    """The panel's entries: an action's form as the user posted it when it came back with errors, else blank."""
    return [
        Offer(a.name, a.label, a.button_text, a.danger, a.help, a.confirm, bound.get(a.name) or blank(a), url(a))
        for a in actions
    ]


def orphan_errors(bound: Mapping[str, Any], offered: Iterable[str]) -> list[str]:
    """Errors of a posted form whose action is no longer offered (someone else acted first): the page still
    owes them to the user, above the panel."""
    names = set(offered)
    return [
        str(error)
        for name, form in bound.items()
        if name not in names and hasattr(form, "errors")
        for errors in form.errors.values()
        for error in errors
    ]


def perform(
    request: HttpRequest,
    obj: Obj,
    action: Action[Obj, By],
    *,
    by: By,
    form: BaseForm | None,
    again: Callable[[BaseForm | None], HttpResponse],
    then: str | Callable[[object], HttpResponse],
    refusal: StrOrPromise | None = None,
) -> HttpResponse:
    """Carry out a posted action: valid form → service → message → redirect to `then` (or then(result) for
    a page that goes where the result is); otherwise again(form), the page drawn again.

    A service's ValidationError goes next to the field it names (above the form when it names none);
    for a button without a form it becomes an error message over the page drawn again. PermissionDenied
    is the refusal page, with the service's reason or the page's own `refusal`."""
    if form is not None and not form.is_valid():
        return again(form)
    data = action.data(form) if form is not None else {}
    try:
        result = action.run(obj, by, data)
    except PermissionDenied as exc:
        return forbidden(request, str(exc) if refusal is None else refusal)
    except ValidationError as exc:
        if form is None:
            messages.error(request, _("错误：") + " ".join(exc.messages))
            return again(None)
        add_service_error(form, exc)
        return again(form)
    messages.success(request, action.success_message(data))
    return redirect(then) if isinstance(then, str) else then(result)
