from django.urls import path

from chorus.insights import governance_views, views

app_name = "insights"

urlpatterns = [
    path("data/", views.catalogue, name="catalogue"),
    path("data/<slug:slug>/", views.dataset_page, name="dataset_page"),
    path("staff/data/", views.staff_datasets, name="staff_datasets"),
    path("staff/data/retention/", governance_views.retention, name="retention"),
    path("staff/data/inventory/", governance_views.inventory, name="inventory"),
    path("staff/data/<slug:slug>/", views.staff_dataset, name="staff_dataset"),
]
