from django.urls import path

from chorus.core import views

app_name = "core"

urlpatterns = [
    path("", views.public_home, name="public_home"),
    path("accessibility/", views.site_page, {"slug": "accessibility"}, name="accessibility"),
    path("privacy/", views.site_page, {"slug": "privacy"}, name="privacy"),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/audit/", views.audit_log, name="audit_log"),
    path("staff/pages/", views.site_page_list, name="site_page_list"),
    path("staff/pages/<slug:slug>/", views.site_page_edit, name="site_page_edit"),
]
