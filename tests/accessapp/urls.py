from django.urls import path

from chorus.urls import handler403, handler404, handler500  # noqa: F401
from chorus.urls import urlpatterns as chorus_urlpatterns
from tests.accessapp import views

urlpatterns = [
    path("test-dossiers/", views.dossier_list, name="dossier_list"),
    path("test-dossiers/<uuid:code>/", views.dossier_detail, name="dossier_detail"),
    path("test-dossiers/<uuid:code>/edit/", views.dossier_edit, name="dossier_edit"),
    *chorus_urlpatterns,
]
