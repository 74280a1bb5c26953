from django.urls import path

from chorus.feedback import public, views

app_name = "feedback"

urlpatterns = [
    path("staff/services/", views.service_list, name="service_list"),
    path("staff/services/new/", views.service_edit, name="service_create"),
    path("staff/services/<uuid:code>/", views.service_detail, name="service_detail"),
    path("staff/services/<uuid:code>/edit/", views.service_edit, name="service_edit"),
    path("staff/services/<uuid:code>/equality/", views.service_equality, name="service_equality"),
    path(
        "staff/services/<uuid:code>/page-feedback.csv",
        views.service_export,
        {"what": "feedback"},
        name="feedback_export",
    ),
    path(
        "staff/services/<uuid:code>/exit-survey.csv",
        views.service_export,
        {"what": "exit"},
        name="exit_export",
    ),
    path("services/<slug:slug>/feedback/", public.exit_survey, name="exit_survey"),
    path("services/<slug:slug>/feedback/equality/", public.exit_equality, name="exit_equality"),
    path("services/<slug:slug>/feedback/done/", public.exit_done, name="exit_done"),
]
