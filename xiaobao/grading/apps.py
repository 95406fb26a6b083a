from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GradingConfig(AppConfig):
    name = "xiaobao.grading"
    verbose_name = _("产品分级动态管理")
