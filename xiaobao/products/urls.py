from django.urls import path

from xiaobao.products import views

app_name = "products"

urlpatterns = [
    path("products/", views.shelf, name="shelf"),
    path("products/new/", views.product_new, name="new"),
    path("products/<int:pk>/", views.product_detail, name="detail"),
    path("products/<int:pk>/edit/", views.product_edit, name="edit"),
    path("products/assess/", views.assess, name="assess"),
    path("products/assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("products/check/", views.check, name="check"),
    path("products/regradings/", views.regradings, name="regradings"),
    path("products/regradings/<int:pk>/", views.regrading_detail, name="regrading"),
    path("products/public/", views.public_list, name="public_list"),
    path("products/public/compare/", views.public_compare, name="public_compare"),
    path("products/public/<int:pk>/", views.public_detail, name="public_detail"),
]
