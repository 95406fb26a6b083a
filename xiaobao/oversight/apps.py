from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "xiaobao.oversight"
    verbose_name = _("督导看板")
