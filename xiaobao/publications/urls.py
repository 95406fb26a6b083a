from django.urls import path

from xiaobao.publications import views

app_name = "publications"

urlpatterns = [
    path("publications/", views.archive, name="archive"),
    path("publications/draft/", views.draft, name="draft"),
    path("publications/<str:number>/", views.detail, name="detail"),
    path("publications/<str:number>.pdf", views.download_pdf, name="pdf"),
    path("publications/<str:number>.xlsx", views.download_xlsx, name="xlsx"),
    path("publications/<str:number>/publish/", views.publish, name="publish"),
    path("publications/<str:number>/redraft/", views.redraft, name="redraft"),
    path("publications/<str:number>/withdraw/", views.withdraw, name="withdraw"),
]
