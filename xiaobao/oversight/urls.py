from django.urls import path

from xiaobao.oversight import views

app_name = "oversight"

urlpatterns = [
    path("oversight/overdue/", views.overdue, name="overdue"),
    path("oversight/transfers/", views.transfers, name="transfers"),
]
