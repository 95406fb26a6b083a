from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from xiaobao import health
from xiaobao.accounts import views as account_views

admin.site.site_header = _("吉林省金融消费者权益保护平台 · 管理")
admin.site.site_title = _("消保平台管理")

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("", account_views.home, name="home"),
    path("accounts/", include("xiaobao.accounts.urls")),
    path("", include("xiaobao.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("xiaobao.complaints.urls")),
    path("", include("xiaobao.tipoffs.urls")),
    path("", include("xiaobao.credit.urls")),
    path("", include("xiaobao.publications.urls")),
    path("", include("xiaobao.registry.urls")),
    path("", include("xiaobao.disputes.urls")),
    path("", include("xiaobao.ratings.urls")),
    path("", include("xiaobao.warning.urls")),
    path("", include("xiaobao.classifier.urls")),
    path("", include("xiaobao.disclosure.urls")),
    path("", include("xiaobao.grading.urls")),
    path("", include("xiaobao.products.urls")),
    path("", include("xiaobao.oversight.urls")),
    path("", include("xiaobao.riskwarnings.urls")),
    path("api/v1/", include("xiaobao.api_urls")),
    path("admin/login/", account_views.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
]
