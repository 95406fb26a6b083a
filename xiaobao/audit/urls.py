from django.urls import path

from xiaobao.audit import views

app_name = "audit"
urlpatterns = [
    path("audit/", views.trail_list, name="trail"),
    path("audit/export/", views.trail_export, name="export"),
    path("accounts/history/", views.sign_in_history, name="sign_in_history"),
]
