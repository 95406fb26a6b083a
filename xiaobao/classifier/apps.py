from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassifierConfig(AppConfig):
    name = "xiaobao.classifier"
    verbose_name = _("投诉文本分类")
