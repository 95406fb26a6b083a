"""Form pieces every app's pages share: phone and ID numbers as people type them, names in the reader's
language, grouped choices and several files in one input. Nothing here knows a domain model."""

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any, Generic, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Model
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from xiaobao.lib.codes import is_valid_id_number

M = TypeVar("M", bound=Model)

# Mainland mobile numbers: 11 digits from 13x–19x, optionally written with the +86 country code.
MOBILE_RE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
# Landlines: area code 0xx or 0xxx, a 7–8 digit number, an optional extension.
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(?:-\d{1,6})?$")


def localized_name(obj: Any) -> str:
    """Reference data carries an English name beside the Chinese one; show it to English readers."""
    name_en = getattr(obj, "name_en", "")
    if name_en and (get_language() or "").startswith("en"):
        return name_en
    return str(getattr(obj, "name", obj))


def normalize_phone(value: str) -> str:
    return re.sub(r"[\s()（）]", "", value or "").replace("—", "-").replace("－", "-")


def validate_phone(value: str) -> None:
    digits = normalize_phone(value)
    if not (MOBILE_RE.match(digits.replace("-", "")) or LANDLINE_RE.match(digits)):
        raise ValidationError(_("请填写11位手机号码，或带区号的固定电话（例如 0431-88886666）。"), code="phone")


def validate_id_number(value: str) -> None:
    if value and not is_valid_id_number(value):
        raise ValidationError(_("身份证号码应为18位，最后一位是数字或X，请核对。"), code="id_number")


# ---------------------------------------------------------------------------------------------
# Fields


# The dates a case, a filter or a report period can have. Outside them a date is a typing slip (9999-12-31),
# and the month and day arithmetic of the selectors would overflow on it: refused at the edge instead.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2099, 12, 31)
DATE_BOUNDS: list[Callable[[Any], None]] = [
    MinValueValidator(EARLIEST_DATE, message=_("日期不能早于1900年1月1日。")),
    MaxValueValidator(LATEST_DATE, message=_("日期不能晚于2099年12月31日。")),
]


class CaseDateField(forms.DateField):
    """A date between 1900 and 2099."""

    default_validators = DATE_BOUNDS


class GroupedModelChoiceIterator(ModelChoiceIterator):
    """Choices as <optgroup>s, so a long list can be scanned by sector or city without JavaScript."""

    field: "GroupedModelChoiceField[Any]"

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for group, members in self.field.grouped(list(self.queryset)):
            yield (
                group,
                [(ModelChoiceIteratorValue(self.field.prepare_value(obj), obj), label) for obj, label in members],
            )


class GroupedModelChoiceField(forms.ModelChoiceField, Generic[M]):
    iterator = GroupedModelChoiceIterator

    def grouped(self, objs: list[M]) -> Iterable[tuple[str, list[tuple[M, str]]]]:
        raise NotImplementedError


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True
