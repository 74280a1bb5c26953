from django.urls import path

from chorus.public_calendar import views

app_name = "calendar"

urlpatterns = [
    path("events/", views.public_calendar, name="public_calendar"),
    path("events/calendar.ics", views.public_calendar_feed, name="public_calendar_feed"),
]
