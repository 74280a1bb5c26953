from django.urls import path

from chorus.engagement import (
    attendance_views,
    briefing_views,
    checkpoint_views,
    commitment_import_views,
    commitment_views,
    email_views,
    impact_views,
    report_views,
    toolkit,
    views,
)

app_name = "engagement"

urlpatterns = [
    path("staff/emails/", email_views.email_list, name="email_list"),
    path("staff/emails/<uuid:code>/", email_views.email_detail, name="email_detail"),
    path("staff/emails/<uuid:code>/file/", email_views.email_file_view, name="email_file"),
    path("staff/emails/<uuid:code>/discard/", email_views.email_discard_view, name="email_discard"),
    path(
        "staff/emails/<uuid:code>/files/<uuid:attachment>/",
        email_views.email_attachment,
        name="email_attachment",
    ),
    path("staff/activities/", views.activity_list, name="activity_list"),
    path("staff/activities/new/", views.activity_edit, name="activity_create"),
    path("staff/activities/<uuid:code>/", views.activity_detail, name="activity_detail"),
    path("staff/activities/<uuid:code>/edit/", views.activity_edit, name="activity_edit"),
    path("staff/activities/<uuid:code>/attendees/", views.attendee_set, name="attendee_set"),
    path(
        "staff/activities/<uuid:code>/attendees/<uuid:person>/remove/",
        views.attendee_remove,
        name="attendee_remove",
    ),
    path(
        "staff/activities/<uuid:code>/attendees/import/",
        attendance_views.attendance_import_upload,
        name="attendance_import",
    ),
    path(
        "staff/activities/<uuid:code>/attendees/import/<uuid:job>/",
        attendance_views.attendance_import_review,
        name="attendance_import_review",
    ),
    path("staff/activities/<uuid:code>/materials/", views.material_add, name="material_add"),
    path("staff/projects/", views.project_list, name="project_list"),
    path("staff/projects/new/", views.project_edit, name="project_create"),
    path("staff/projects/<uuid:code>/", views.project_detail, name="project_detail"),
    path("staff/projects/<uuid:code>/edit/", views.project_edit, name="project_edit"),
    path("staff/projects/<uuid:code>/checkpoints/", views.checkpoint_add, name="checkpoint_add"),
    path("staff/checkpoints/", checkpoint_views.checkpoint_list, name="checkpoint_list"),
    path("staff/engagement-report/", report_views.report, name="report"),
    path("staff/toolkit/", toolkit.toolkit, name="toolkit"),
    path("staff/toolkit/new/", toolkit.toolkit_edit, name="toolkit_create"),
    path("staff/toolkit/<uuid:code>/", toolkit.toolkit_item, name="toolkit_item"),
    path("staff/toolkit/<uuid:code>/edit/", toolkit.toolkit_edit, name="toolkit_edit"),
    path("staff/toolkit/<uuid:code>/delete/", toolkit.toolkit_delete, name="toolkit_delete"),
    path("staff/engagement-report.csv", report_views.report_csv, name="report_csv"),
    path("staff/engagement-report.pdf", report_views.report_pdf, name="report_pdf"),
    path("staff/checkpoints/<uuid:code>/waive/", checkpoint_views.checkpoint_waive, name="checkpoint_waive"),
    path(
        "staff/checkpoints/<uuid:code>/reinstate/",
        checkpoint_views.checkpoint_reinstate,
        name="checkpoint_reinstate",
    ),
    path(
        "staff/projects/<uuid:project>/you-said-we-did/new/", impact_views.impact_edit, name="impact_create"
    ),
    path(
        "staff/projects/<uuid:project>/you-said-we-did/<uuid:code>/",
        impact_views.impact_edit,
        name="impact_edit",
    ),
    path("staff/you-said-we-did/<uuid:code>/publish/", impact_views.impact_publish, name="impact_publish"),
    path("staff/you-said-we-did/<uuid:code>/share/", impact_views.impact_share, name="impact_share"),
    path(
        "staff/you-said-we-did/<uuid:code>/updates/",
        impact_views.impact_update_add,
        name="impact_update_add",
    ),
    path(
        "staff/you-said-we-did/<uuid:code>/participants.csv",
        impact_views.impact_participants_csv,
        name="impact_participants",
    ),
    path("staff/commitments/", commitment_views.commitment_list, name="commitment_list"),
    path("staff/commitments/new/", commitment_views.commitment_edit, name="commitment_create"),
    path(
        "staff/commitments/import/",
        commitment_import_views.commitment_import_upload,
        name="commitment_import",
    ),
    path(
        "staff/commitments/import/<uuid:job>/",
        commitment_import_views.commitment_import_review,
        name="commitment_import_review",
    ),
    path("staff/commitments/<uuid:code>/", commitment_views.commitment_detail, name="commitment_detail"),
    path("staff/commitments/<uuid:code>/edit/", commitment_views.commitment_edit, name="commitment_edit"),
    path(
        "staff/commitments/<uuid:code>/updates/",
        commitment_views.commitment_update_add,
        name="commitment_update_add",
    ),
    path(
        "staff/commitments/<uuid:code>/remove-evidence/",
        commitment_views.commitment_evidence_remove,
        name="commitment_evidence_remove",
    ),
    path(
        "staff/commitments/<uuid:code>/publish/",
        commitment_views.commitment_publish,
        name="commitment_publish",
    ),
    path("commitments/", commitment_views.public_commitments, name="public_commitments"),
    path("you-said-we-did/", impact_views.public_impact_index, name="public_impact_index"),
    path("you-said-we-did/<uuid:code>/", impact_views.public_impact, name="public_impact"),
    path("events/<uuid:code>/", views.public_event, name="public_event"),
]

urlpatterns += [
    path(
        "staff/activities/<uuid:code>/briefing/", briefing_views.activity_briefing, name="activity_briefing"
    ),
    path(
        "staff/activities/<uuid:code>/briefing.pdf",
        briefing_views.activity_briefing_pdf,
        name="activity_briefing_pdf",
    ),
]
