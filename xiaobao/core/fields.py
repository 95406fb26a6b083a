"""Model fields every app shares."""

from typing import Any

from django.db import models

from xiaobao.lib.crypto import decrypt, encrypt


class EncryptedTextField(models.TextField):
    """A text column stored as a Fernet token; reads give back the clear text, empty stays empty."""

    def from_db_value(self, value: str | None, expression: object, connection: object) -> str:
        if not value:
            return value or ""
        return decrypt(value)

    def get_prep_value(self, value: Any) -> str:
        value = super().get_prep_value(value)
        if not value:
            return ""
        return encrypt(value)
