from django.urls import path

from chorus.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("staff/webhooks/", views.endpoint_list, name="endpoint_list"),
    path("staff/webhooks/new/", views.endpoint_create, name="endpoint_create"),
    path("staff/webhooks/<uuid:code>/", views.endpoint_detail, name="endpoint_detail"),
    path("staff/webhooks/<uuid:code>/edit/", views.endpoint_edit, name="endpoint_edit"),
    path("staff/webhooks/<uuid:code>/test/", views.endpoint_test, name="endpoint_test"),
    path("staff/webhooks/<uuid:code>/active/", views.endpoint_active, name="endpoint_active"),
    path(
        "staff/webhooks/<uuid:code>/deliveries/<uuid:delivery>/replay/",
        views.delivery_replay,
        name="delivery_replay",
    ),
]
