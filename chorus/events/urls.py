from django.urls import path

from chorus.events import public_views, views

app_name = "events"

urlpatterns = [
    path("events/<uuid:code>/register/", public_views.register_details, name="register_details"),
    path(
        "events/<uuid:code>/register/questions/", public_views.register_questions, name="register_questions"
    ),
    path("events/<uuid:code>/register/check/", public_views.register_check, name="register_check"),
    path("events/<uuid:code>/register/done/", public_views.register_done, name="register_done"),
    path("events/registration/<str:token>/", public_views.manage, name="manage"),
    path("events/registration/<str:token>/change/", public_views.manage_change, name="manage_change"),
    path("events/registration/<str:token>/cancel/", public_views.manage_cancel, name="manage_cancel"),
    path(
        "staff/activities/<uuid:code>/registration/",
        views.registration_settings,
        name="registration_settings",
    ),
    path("staff/activities/<uuid:code>/registrations/", views.registration_list, name="registration_list"),
    path("staff/registrations/<uuid:code>/decide/", views.registration_decide, name="registration_decide"),
    path("staff/registrations/<uuid:code>/decline/", views.registration_decline, name="registration_decline"),
]
