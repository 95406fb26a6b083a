from django.urls import path

from xiaobao.warning import views

app_name = "warning"

ACTIONS = ("assign", "investigate", "close", "note")

urlpatterns = [
    path("warning/", views.dashboard, name="dashboard"),
    path("warning/alerts/", views.alert_list, name="alerts"),
    path("warning/alerts/export/", views.alert_export, name="alerts_export"),
    path("warning/alerts/<str:number>/", views.alert_detail, name="alert"),
    *[
        path(f"warning/alerts/<str:number>/{name}/", views.alert_action, {"action": name}, name=f"alert_{name}")
        for name in ACTIONS
    ],
    path("warning/watch/", views.watch_list, name="watch"),
    path("warning/watch/export/", views.watch_export, name="watch_export"),
    path("warning/watch/<int:pk>/", views.entity_detail, name="entity"),
]
