from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "xiaobao.credit"
    verbose_name = _("信用红黑名单")
