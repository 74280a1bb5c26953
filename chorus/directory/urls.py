from django.urls import path

from chorus.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<uuid:code>/", views.person_detail, name="person_detail"),
    path("people/<uuid:code>/edit/", views.person_edit, name="person_edit"),
    path("people/<uuid:code>/note/", views.person_note, name="person_note"),
    path("people/<uuid:code>/assess/", views.person_assess, name="person_assess"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_edit, name="organisation_create"),
    path("organisations/<uuid:code>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<uuid:code>/edit/", views.organisation_edit, name="organisation_edit"),
    path("duplicates/", views.duplicate_list, name="duplicate_list"),
    path("duplicates/scan/", views.duplicate_scan, name="duplicate_scan"),
    path("duplicates/<uuid:code>/", views.duplicate_review, name="duplicate_review"),
    path("merges/<uuid:code>/undo/", views.merge_undo, name="merge_undo"),
]
