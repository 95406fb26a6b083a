from django.contrib.auth import views as auth_views
from django.urls import path

from xiaobao.accounts import self_service, staff, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/sms/", self_service.sms_sign_in, name="sms_sign_in"),
    path("login/sms/code/", self_service.sms_sign_in_confirm, name="sms_sign_in_confirm"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", self_service.register, name="register"),
    path("register/confirm/", self_service.register_confirm, name="register_confirm"),
    path("password/reset/", self_service.password_reset, name="password_reset"),
    path("password/reset/code/", self_service.password_reset_code, name="password_reset_code"),
    path(
        "password/reset/<uidb64>/<token>/",
        self_service.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/change/", self_service.PasswordChangeView.as_view(), name="password_change"),
    path("phone/", self_service.phone, name="phone"),
    path("phone/confirm/", self_service.phone_confirm, name="phone_confirm"),
    path("staff/", staff.staff_list, name="staff"),
    path("staff/new/", staff.staff_create, name="staff_create"),
    path("staff/<int:pk>/deactivate/", staff.staff_deactivate, name="staff_deactivate"),
    path("two-factor/", views.verify, name="verify"),
    path("two-factor/enrol/", views.enrol, name="enrol"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("display/", views.display, name="display"),
]
