from django.urls import path

from chorus.insights import views

app_name = "insights"

urlpatterns = [
    path("data/", views.catalogue, name="catalogue"),
    path("data/<slug:slug>/", views.dataset_page, name="dataset_page"),
    path("staff/data/", views.staff_datasets, name="staff_datasets"),
    path("staff/data/<slug:slug>/", views.staff_dataset, name="staff_dataset"),
]
