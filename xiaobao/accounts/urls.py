from django.contrib.auth import views as auth_views
from django.urls import path

from xiaobao.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.verify, name="verify"),
    path("two-factor/enrol/", views.enrol, name="enrol"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("display/", views.display, name="display"),
]
