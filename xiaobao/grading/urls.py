from django.urls import path

from xiaobao.grading import views

app_name = "grading"

urlpatterns = [
    path("products/signals/", views.product_signals, name="signals"),
]
