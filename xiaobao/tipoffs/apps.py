from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TipoffsConfig(AppConfig):
    name = "xiaobao.tipoffs"
    verbose_name = _("非法集资举报")
