from django.urls import path

from chorus.consultations import views

app_name = "consultations"

urlpatterns = [
    path("staff/consultations/", views.consultation_list, name="consultation_list"),
    path("staff/consultations/new/", views.consultation_edit, name="consultation_create"),
    path("staff/consultations/<uuid:code>/", views.consultation_detail, name="consultation_detail"),
    path("staff/consultations/<uuid:code>/edit/", views.consultation_edit, name="consultation_edit"),
    path("consultations/<uuid:code>/", views.public_consultation, name="public_consultation"),
    path(
        "consultations/<uuid:code>/you-said-we-did/",
        views.public_consultation_impact,
        name="public_consultation_impact",
    ),
]
