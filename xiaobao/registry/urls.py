from django.urls import path

from xiaobao.registry import views

app_name = "registry"

urlpatterns = [
    path("penalties/", views.penalty_list, name="penalties"),
    path("penalties/manage/", views.penalty_manage, name="penalty_manage"),
    path("penalties/manage/<int:pk>/", views.penalty_edit, name="penalty_edit"),
]
