from django.urls import path

from xiaobao.riskwarnings import views
from xiaobao.riskwarnings.feeds import RiskWarningFeed

app_name = "riskwarnings"

urlpatterns = [
    path("risk-warnings/", views.public_list, name="list"),
    path("risk-warnings/feed/", RiskWarningFeed(), name="feed"),
    # The desk; "manage" and "feed" are never warning numbers (FX-YYYYMMDD-NNNNNN).
    path("risk-warnings/manage/", views.desk_list, name="desk"),
    path("risk-warnings/manage/export/", views.desk_export, name="desk_export"),
    path("risk-warnings/manage/new/", views.desk_new, name="desk_new"),
    path("risk-warnings/manage/<str:number>/", views.desk_detail, name="desk_detail"),
    path("risk-warnings/manage/<str:number>/edit/", views.desk_edit, name="desk_edit"),
    path("risk-warnings/manage/<str:number>/<str:action>/", views.desk_action, name="desk_action"),
    path("risk-warnings/<str:number>/", views.public_detail, name="detail"),
]
