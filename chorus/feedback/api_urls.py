from django.urls import path

from chorus.feedback import api

app_name = "feedback_api"

urlpatterns = [
    path("feedback", api.feedback_create, name="feedback"),
    path("openapi.json", api.openapi, name="openapi"),
]
