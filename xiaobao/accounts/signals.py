"""A changed password or a deactivated account ends every API token of the user: a token must not outlive
the credentials it was issued for (a stolen laptop's password is changed; a clerk who leaves is deactivated)."""

from typing import Any

from django.db.models.signals import pre_save
from django.dispatch import receiver

from xiaobao.accounts.models import User
from xiaobao.accounts.tokens import api_tokens_revoke_all


@receiver(pre_save, sender=User, dispatch_uid="accounts.revoke_tokens_on_credentials_change")
def revoke_tokens_on_credentials_change(sender: type[User], instance: User, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if instance.pk is None or kwargs.get("raw"):
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return  # the last_login written at every sign-in, and other saves that cannot touch either
    before = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    if before["password"] != instance.password or (before["is_active"] and not instance.is_active):
        api_tokens_revoke_all(user=instance)
