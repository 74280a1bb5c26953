"""The directory's public pages: a person's own reasonable adjustments, through an emailed link."""

from django.urls import path

from chorus.directory import adjustments_views

app_name = "directory_public"

urlpatterns = [
    path("your-adjustments/", adjustments_views.adjustments_request, name="adjustments_request"),
    path("your-adjustments/<str:token>/", adjustments_views.adjustments_change, name="adjustments_change"),
]
