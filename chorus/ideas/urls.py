from django.urls import path

from chorus.ideas import views

app_name = "ideas"

urlpatterns = [
    path("ideas/", views.challenge_list, name="challenge_list"),
    path("ideas/take-part/", views.take_part, name="take_part"),
    path("ideas/take-part/<str:token>/", views.participant_confirm, name="participant_confirm"),
    path("ideas/idea/<uuid:code>/", views.idea_detail, name="idea_detail"),
    path("ideas/idea/<uuid:code>/support/", views.idea_support, name="idea_support"),
    path("ideas/idea/<uuid:code>/follow/", views.idea_follow, name="idea_follow"),
    path("ideas/idea/<uuid:code>/comment/", views.idea_comment, name="idea_comment"),
    path("ideas/idea/<uuid:code>/report/", views.report, name="report"),
    path("ideas/<uuid:code>/", views.challenge_detail, name="challenge_detail"),
    path("ideas/<uuid:code>/propose/", views.idea_propose, name="idea_propose"),
    path("ideas/<uuid:code>/similar/", views.idea_similar, name="idea_similar"),
    path("staff/ideas/", views.staff_challenge_list, name="staff_challenge_list"),
    path("staff/ideas/new/", views.challenge_edit, name="challenge_create"),
    path("staff/ideas/moderation/", views.moderation_queue, name="moderation"),
    path("staff/ideas/idea/<uuid:code>/", views.staff_idea, name="staff_idea"),
    path("staff/ideas/<uuid:code>/", views.staff_challenge, name="staff_challenge"),
    path("staff/ideas/<uuid:code>/edit/", views.challenge_edit, name="challenge_edit"),
    path("staff/ideas/<uuid:code>/respond/", views.respond_theme, name="respond_theme"),
    path("staff/ideas/<uuid:code>/close/", views.challenge_close, name="challenge_close"),
    path("staff/ideas/<uuid:code>/export/<str:what>/", views.challenge_export, name="export"),
]
