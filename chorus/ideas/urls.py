from django.urls import path

from chorus.ideas.views import public, staff

app_name = "ideas"

urlpatterns = [
    path("ideas/", public.challenge_list, name="challenge_list"),
    path("ideas/take-part/", public.take_part, name="take_part"),
    path("ideas/take-part/<str:token>/", public.participant_confirm, name="participant_confirm"),
    path("ideas/idea/<uuid:code>/", public.idea_detail, name="idea_detail"),
    path("ideas/idea/<uuid:code>/support/", public.idea_support, name="idea_support"),
    path("ideas/idea/<uuid:code>/follow/", public.idea_follow, name="idea_follow"),
    path("ideas/idea/<uuid:code>/comment/", public.idea_comment, name="idea_comment"),
    path("ideas/idea/<uuid:code>/report/", public.report, name="report"),
    path("ideas/<uuid:code>/", public.challenge_detail, name="challenge_detail"),
    path("ideas/<uuid:code>/propose/", public.idea_propose, name="idea_propose"),
    path("ideas/<uuid:code>/similar/", public.idea_similar, name="idea_similar"),
    path("staff/ideas/", staff.staff_challenge_list, name="staff_challenge_list"),
    path("staff/ideas/new/", staff.challenge_edit, name="challenge_create"),
    path("staff/ideas/moderation/", staff.moderation_queue, name="moderation"),
    path("staff/ideas/idea/<uuid:code>/", staff.staff_idea, name="staff_idea"),
    path("staff/ideas/<uuid:code>/", staff.staff_challenge, name="staff_challenge"),
    path("staff/ideas/<uuid:code>/edit/", staff.challenge_edit, name="challenge_edit"),
    path("staff/ideas/<uuid:code>/respond/", staff.respond_theme, name="respond_theme"),
    path("staff/ideas/<uuid:code>/close/", staff.challenge_close, name="challenge_close"),
    path("staff/ideas/<uuid:code>/export/<str:what>/", staff.challenge_export, name="export"),
]
