"""Downloads and the API: outside the language prefix, the same in English and Welsh."""

from django.urls import path

from chorus.insights import views

urlpatterns = [
    path("data/catalog.jsonld", views.catalogue_dcat, name="catalogue_dcat"),
    path("data/<slug:slug>.csv", views.dataset_csv, name="dataset_csv"),
    path("data/<slug:slug>.csv-metadata.json", views.dataset_csvw, name="dataset_csvw"),
    path("data/<slug:slug>.json", views.dataset_json, name="dataset_json"),
    path("api/data/v1/datasets", views.api_datasets, name="api_datasets"),
    path("api/data/v1/datasets/<slug:slug>", views.api_dataset, name="api_dataset"),
    path("api/data/v1/openapi.json", views.api_openapi, name="api_openapi"),
]
