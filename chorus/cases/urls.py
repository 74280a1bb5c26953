from django.urls import path

from chorus.cases import dashboard_views, public_views, satisfaction_views, views

app_name = "cases"

urlpatterns = [
    path("contact-us/", public_views.contact, name="contact"),
    # Before the forms' own addresses, which take any word after contact-us/.
    path("contact-us/how-did-we-do/<str:token>/", satisfaction_views.satisfaction, name="satisfaction"),
    path("contact-us/<str:kind>/", public_views.case_form, name="public_form"),
    path("contact-us/<str:kind>/sent/", public_views.public_done, name="public_done"),
    path("staff/cases/", views.case_list, name="case_list"),
    path("staff/cases/new/", views.case_create, name="case_create"),
    path("staff/cases/dashboard/", dashboard_views.case_dashboard_page, name="case_dashboard"),
    path("staff/cases/<uuid:code>/", views.case_detail, name="case_detail"),
    path("staff/cases/<uuid:code>/assign/", views.case_assign, name="case_assign"),
    path("staff/cases/<uuid:code>/fields/", views.case_fields, name="case_fields"),
    path("staff/cases/<uuid:code>/note/", views.case_note, name="case_note"),
    path("staff/cases/<uuid:code>/reply/", views.case_reply, name="case_reply"),
    path("staff/cases/<uuid:code>/escalate/", views.case_escalate, name="case_escalate"),
    path("staff/cases/<uuid:code>/close/", views.case_close, name="case_close"),
    path("staff/cases/<uuid:code>/reopen/", views.case_reopen, name="case_reopen"),
    path(
        "staff/cases/<uuid:code>/attachments/<uuid:attachment>/",
        views.case_attachment,
        name="case_attachment",
    ),
]
