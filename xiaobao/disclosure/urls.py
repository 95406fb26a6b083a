from django.urls import path

from xiaobao.disclosure import views

app_name = "disclosure"

urlpatterns = [
    path("public/", views.public_search, name="search"),
    path("public/statistics/", views.public_statistics, name="statistics"),
    path("public/data/complaints.csv.gz", views.full_data, name="full_data"),
    path("public/<str:number>/", views.public_detail, name="detail"),
]
