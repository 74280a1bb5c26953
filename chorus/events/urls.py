from django.urls import path

from chorus.events import (
    checkin_views,
    evaluation_views,
    invitation_views,
    materials_views,
    public_views,
    views,
)

app_name = "events"

urlpatterns = [
    path("events/<uuid:code>/register/", public_views.register_details, name="register_details"),
    path(
        "events/<uuid:code>/register/questions/", public_views.register_questions, name="register_questions"
    ),
    path("events/<uuid:code>/register/check/", public_views.register_check, name="register_check"),
    path("events/<uuid:code>/register/done/", public_views.register_done, name="register_done"),
    path("events/invited/<str:token>/", invitation_views.invited, name="invited"),
    path("events/evaluation/<str:token>/", evaluation_views.evaluation, name="evaluation"),
    path("staff/activities/<uuid:code>/invitations/", invitation_views.invitations, name="invitations"),
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
    # On the day and after: check-in and materials.
    path("staff/activities/<uuid:code>/check-in/", checkin_views.checkin_page, name="checkin"),
    path(
        "staff/activities/<uuid:code>/check-in/code/", checkin_views.checkin_by_code, name="checkin_by_code"
    ),
    path(
        "staff/activities/<uuid:code>/check-in/walk-in/",
        checkin_views.checkin_walk_in,
        name="checkin_walk_in",
    ),
    path("staff/registrations/<uuid:code>/arrived/", checkin_views.checkin_mark, name="checkin_mark"),
    path("staff/activities/<uuid:code>/material-files/", materials_views.materials_page, name="materials"),
    path(
        "staff/material-files/<uuid:code>/remove/",
        materials_views.material_remove,
        name="material_remove",
    ),
    path(
        "staff/activities/<uuid:code>/material-files/tell/",
        materials_views.materials_tell,
        name="materials_tell",
    ),
    path("events/<uuid:code>/materials/", materials_views.public_materials, name="public_materials"),
    path(
        "events/<uuid:code>/materials/<uuid:file>/",
        materials_views.material_download,
        name="material_download",
    ),
]
