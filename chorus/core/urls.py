from django.urls import path

from chorus.core import custom_field_views, export_views, views

app_name = "core"

urlpatterns = [
    path("", views.public_home, name="public_home"),
    path("accessibility/", views.site_page, {"slug": "accessibility"}, name="accessibility"),
    path("privacy/", views.site_page, {"slug": "privacy"}, name="privacy"),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/audit/", views.audit_log, name="audit_log"),
    path("staff/downloads/", export_views.export_list, name="export_list"),
    path("staff/downloads/<uuid:code>/", export_views.export_status, name="export_status"),
    path("staff/downloads/<uuid:code>/file/", export_views.export_download, name="export_download"),
    path("staff/added-fields/", custom_field_views.custom_field_list, name="custom_field_list"),
    path("staff/added-fields/new/", custom_field_views.custom_field_edit, name="custom_field_create"),
    path("staff/added-fields/<uuid:code>/", custom_field_views.custom_field_edit, name="custom_field_edit"),
    path("staff/pages/", views.site_page_list, name="site_page_list"),
    path("staff/pages/<slug:slug>/", views.site_page_edit, name="site_page_edit"),
]
