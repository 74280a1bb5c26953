from django.urls import path

from chorus.bulletins import import_views, shareback_views, views

app_name = "bulletins"

urlpatterns = [
    path("bulletins/subscribe/", views.subscribe, name="subscribe"),
    path("bulletins/confirm/<str:token>/", views.confirm, name="confirm"),
    path("bulletins/manage/<str:token>/", views.manage, name="manage"),
    path("bulletins/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("staff/bulletins/", views.bulletin_list, name="bulletin_list"),
    path("staff/bulletins/new/", views.bulletin_edit, name="bulletin_create"),
    path("staff/bulletins/preview/", views.bulletin_preview, name="bulletin_preview"),
    path("staff/bulletins/subscribers/", views.subscriber_list, name="subscriber_list"),
    path("staff/bulletins/subscribers/import/", import_views.subscriber_import, name="subscriber_import"),
    path(
        "staff/bulletins/subscribers/import/<uuid:code>/",
        import_views.subscriber_import_check,
        name="subscriber_import_check",
    ),
    path(
        "staff/bulletins/subscribers/import/<uuid:code>/problems/",
        import_views.subscriber_import_problems,
        name="subscriber_import_problems",
    ),
    # ``code`` is the "you said, we did" record's: its share-back, by email.
    path("staff/bulletins/share-back/<uuid:code>/", shareback_views.shareback, name="shareback"),
    path("staff/bulletins/<uuid:code>/", views.bulletin_detail, name="bulletin_detail"),
    path("staff/bulletins/<uuid:code>/edit/", views.bulletin_edit, name="bulletin_edit"),
    path("staff/bulletins/<uuid:code>/send/", views.bulletin_send, name="bulletin_send"),
    path("staff/bulletins/<uuid:code>/test/", views.bulletin_test, name="bulletin_test"),
    path("staff/bulletins/<uuid:code>/versions/", views.arm_add, name="arm_add"),
]
