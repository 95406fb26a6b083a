from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    name = "xiaobao.disputes"
    verbose_name = _("纠纷多元化解")
