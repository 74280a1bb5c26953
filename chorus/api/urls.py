from django.urls import path

from chorus.api import views

app_name = "api"

urlpatterns = [
    path("staff/api-tokens/", views.token_list, name="token_list"),
    path("staff/api-tokens/new/", views.token_create, name="token_create"),
    path("staff/api-tokens/<uuid:code>/revoke/", views.token_revoke, name="token_revoke"),
]
