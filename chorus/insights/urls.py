from django.urls import path

from chorus.insights import dashboards, governance_views, perception_views, requests, views

app_name = "insights"

urlpatterns = [
    path("data/", views.catalogue, name="catalogue"),
    path("data/requests/new/", requests.request_new, name="request_new"),
    path("data/requests/register/", requests.register, name="register"),
    path("data/<slug:slug>/", views.dataset_page, name="dataset_page"),
    path("staff/data/", views.staff_datasets, name="staff_datasets"),
    path("staff/data/retention/", governance_views.retention, name="retention"),
    path("staff/data/inventory/", governance_views.inventory, name="inventory"),
    path("staff/data/quality/", governance_views.quality, name="quality"),
    path("staff/data/equality/", governance_views.equality, name="equality"),
    path("staff/data/services/", dashboards.services_dashboard, name="services_dashboard"),
    path("staff/data/consultations/", dashboards.consultations_dashboard, name="consultations_dashboard"),
    path("staff/data/perception/", perception_views.series_list, name="perception_list"),
    path("staff/data/perception/new/", perception_views.series_edit, name="perception_create"),
    path("staff/data/perception/<uuid:code>/", perception_views.series_detail, name="perception"),
    path("staff/data/perception/<uuid:code>/edit/", perception_views.series_edit, name="perception_edit"),
    path("staff/data/requests/", requests.request_list, name="request_list"),
    path("staff/data/requests/<uuid:code>/", requests.request_detail, name="request_detail"),
    path("staff/data/<slug:slug>/", views.staff_dataset, name="staff_dataset"),
]
