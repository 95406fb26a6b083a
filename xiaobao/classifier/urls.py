from django.urls import path

from xiaobao.classifier import views

app_name = "classifier"

urlpatterns = [
    path("complaints/new/suggest-category/", views.intake_suggestions, name="intake_suggestions"),
]
