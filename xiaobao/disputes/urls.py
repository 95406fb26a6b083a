from django.urls import path

from xiaobao.disputes import views

app_name = "disputes"

urlpatterns = [
    path("mediation/", views.bodies, name="bodies"),
    path("mediation/apply/", views.direct_apply, name="direct"),
    path("mediation/apply/submitted/", views.direct_submitted, name="direct_submitted"),
    path("c/<str:number>/disputes/new/<str:kind>/", views.dispute_start, name="start"),
    path("disputes/", views.dispute_list, name="list"),
    path("disputes/stats/", views.stats, name="stats"),
    path("disputes/export/", views.dispute_export, name="export"),
    path("disputes/<str:number>/", views.dispute_detail, name="detail"),
    path("disputes/<str:number>/agreement.pdf", views.agreement_pdf, name="agreement"),
    path("disputes/<str:number>/dossier.zip", views.dossier, name="dossier"),
    path("disputes/<str:number>/<str:action>/", views.dispute_action, name="action"),
]
