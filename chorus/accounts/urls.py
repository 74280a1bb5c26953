from django.urls import path

from chorus.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("sign-in/single-sign-on/", views.sso_start, name="sso_start"),
    path("sign-in/single-sign-on/callback/", views.sso_callback, name="sso_callback"),
    path("staff/users/single-sign-on/", views.sso_group_list, name="sso_group_list"),
    path("staff/users/single-sign-on/new/", views.sso_group_edit, name="sso_group_create"),
    path("staff/users/single-sign-on/<uuid:code>/", views.sso_group_edit, name="sso_group_edit"),
    path("staff/users/single-sign-on/<uuid:code>/delete/", views.sso_group_delete, name="sso_group_delete"),
    path("sign-in/security-code/", views.verify, name="verify"),
    path("account/", views.account, name="account"),
    path("account/two-factor/", views.totp_setup, name="totp_setup"),
    path("account/password-reset/", views.password_reset, name="password_reset"),
    path("account/set-password/<uuid:code>/<str:token>/", views.set_password, name="set_password"),
    path("staff/users/", views.user_list, name="user_list"),
    path("staff/users/new/", views.user_create, name="user_create"),
    path("staff/users/<uuid:code>/", views.user_detail, name="user_detail"),
    path("staff/users/<uuid:code>/edit/", views.user_edit, name="user_edit"),
    path("staff/users/<uuid:code>/active/", views.user_set_active, name="user_set_active"),
    path("staff/users/<uuid:code>/reset-two-factor/", views.user_reset_totp, name="user_reset_totp"),
    path("staff/teams/", views.team_list, name="team_list"),
    path("staff/teams/new/", views.team_edit, name="team_create"),
    path("staff/teams/<uuid:code>/", views.team_edit, name="team_edit"),
]
