from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductsConfig(AppConfig):
    name = "xiaobao.products"
    verbose_name = _("金融产品与适当性")
