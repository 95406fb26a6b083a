from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "xiaobao.ratings"
    verbose_name = _("评估评级与满意度")
