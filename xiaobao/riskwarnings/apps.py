from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskWarningsConfig(AppConfig):
    name = "xiaobao.riskwarnings"
    verbose_name = _("风险提示")
