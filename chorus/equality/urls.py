from django.urls import path

from chorus.equality import views

app_name = "equality"

urlpatterns = [
    path("equality-answers/<uuid:key>/remove/", views.remove, name="remove"),
]
