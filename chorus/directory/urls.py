from django.urls import path

from chorus.directory import adjustments_views, import_views, rights_views, saved_search_views, views

app_name = "directory"

urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<uuid:code>/", views.person_detail, name="person_detail"),
    path("people/<uuid:code>/edit/", views.person_edit, name="person_edit"),
    path("people/<uuid:code>/note/", views.person_note, name="person_note"),
    path("people/<uuid:code>/assess/", views.person_assess, name="person_assess"),
    path("people/<uuid:code>/consent/", views.person_consent, name="person_consent"),
    path("people/<uuid:code>/groups/", views.person_group_add, name="person_group_add"),
    path("map/", views.stakeholder_map, name="stakeholder_map"),
    path("panels/", views.panel_list, name="panel_list"),
    path("panels/<uuid:code>/", views.panel_detail, name="panel_detail"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_edit, name="organisation_create"),
    path("organisations/<uuid:code>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<uuid:code>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<uuid:code>/note/", views.organisation_note, name="organisation_note"),
    path("organisations/<uuid:code>/assess/", views.organisation_assess, name="organisation_assess"),
    path("duplicates/", views.duplicate_list, name="duplicate_list"),
    path("duplicates/scan/", views.duplicate_scan, name="duplicate_scan"),
    path("duplicates/<uuid:code>/", views.duplicate_review, name="duplicate_review"),
    path("duplicates/<uuid:code>/merge/", views.duplicate_merge, name="duplicate_merge"),
    path("merges/<uuid:code>/undo/", views.merge_undo, name="merge_undo"),
]

urlpatterns += [
    path("imports/", import_views.import_list, name="import_list"),
    path("imports/new/", import_views.import_upload, name="import_upload"),
    path("imports/<uuid:code>/columns/", import_views.import_map, name="import_map"),
    path("imports/<uuid:code>/check/", import_views.import_check_view, name="import_check"),
    path("imports/<uuid:code>/progress/", import_views.import_progress, name="import_progress"),
    path("imports/<uuid:code>/retry/", import_views.import_retry, name="import_retry"),
    path("imports/<uuid:code>/rows-to-fix.csv", import_views.import_rejected, name="import_rejected"),
]

urlpatterns += [
    path(
        "people/<uuid:code>/subject-access/",
        rights_views.subject_access_request,
        name="subject_access_request",
    ),
    path("subject-access/<uuid:code>/", rights_views.subject_access_download, name="subject_access_download"),
    path("people/<uuid:code>/erase/", rights_views.person_erase_view, name="person_erase"),
]

urlpatterns += [
    path("people/<uuid:code>/adjustments/", adjustments_views.person_adjustments, name="person_adjustments"),
    path(
        "people/<uuid:code>/adjustments/send-link/",
        adjustments_views.person_adjustments_link,
        name="person_adjustments_link",
    ),
]

urlpatterns += [
    path("saved-searches/", saved_search_views.saved_search_list, name="saved_search_list"),
    path("saved-searches/new/", saved_search_views.saved_search_create, name="saved_search_create"),
    path("saved-searches/<uuid:code>/", saved_search_views.saved_search_detail, name="saved_search_detail"),
    path("saved-searches/<uuid:code>/edit/", saved_search_views.saved_search_edit, name="saved_search_edit"),
    path(
        "saved-searches/<uuid:code>/delete/",
        saved_search_views.saved_search_delete,
        name="saved_search_delete",
    ),
    path(
        "saved-searches/<uuid:code>/people.<str:file_format>",
        saved_search_views.saved_search_export,
        name="saved_search_export",
    ),
]
