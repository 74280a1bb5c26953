"""Outside the language prefix: links in sent emails and the delivery-status callback."""

from django.urls import path

from chorus.bulletins import views

urlpatterns = [
    path("b/<str:token>/<int:number>/", views.click, name="click"),
    path("b/<str:token>/open.gif", views.opened, name="opened"),
    path("api/bulletins/v1/delivery-status", views.delivery_status, name="delivery_status"),
]
