from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarningConfig(AppConfig):
    name = "xiaobao.warning"
    verbose_name = _("监测预警")
