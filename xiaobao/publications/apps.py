from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationsConfig(AppConfig):
    name = "xiaobao.publications"
    verbose_name = _("定期信息披露")
