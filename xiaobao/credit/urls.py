from django.urls import path

from xiaobao.credit import views

app_name = "credit"

urlpatterns = [
    path("credit/", views.entry_list, name="list"),
    path("credit/public/", views.public_list, name="public"),
    path("credit/new/", views.entry_new, name="new"),
    path("credit/export/", views.entry_export, name="export"),
    path("credit/<str:number>/", views.entry_detail, name="entry"),
    # An unknown action is a 404 (Actions.__getitem__).
    path("credit/<str:number>/<slug:action>/", views.entry_action, name="action"),
]
