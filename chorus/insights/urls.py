from django.urls import path

from chorus.insights import (
    board_pack_views,
    dashboards,
    equity_views,
    governance_views,
    perception_views,
    record_views,
    requests,
    views,
)

app_name = "insights"

urlpatterns = [
    path("data/", views.catalogue, name="catalogue"),
    path("data/requests/new/", requests.request_new, name="request_new"),
    path("data/requests/register/", requests.register, name="register"),
    path("data/<slug:slug>/", views.dataset_page, name="dataset_page"),
    path("staff/data/", views.staff_datasets, name="staff_datasets"),
    path("staff/data/retention/", governance_views.retention, name="retention"),
    path("staff/data/inventory/", governance_views.inventory, name="inventory"),
    path("staff/data/quality/", governance_views.quality, name="quality"),
    path("staff/data/equality/", governance_views.equality, name="equality"),
    path("staff/data/equity/", equity_views.equity_page, name="equity"),
    path("staff/data/equity/population/", equity_views.population_import_page, name="population_import"),
    path("staff/data/equity/projects/<uuid:code>/", equity_views.equity_project, name="equity_project"),
    path("staff/data/services/", dashboards.services_dashboard, name="services_dashboard"),
    path("staff/data/consultations/", dashboards.consultations_dashboard, name="consultations_dashboard"),
    path(
        "staff/data/consultations/<uuid:code>/record/", record_views.record_page, name="consultation_record"
    ),
    path(
        "staff/data/consultations/<uuid:code>/record.pdf",
        record_views.record_pdf,
        name="consultation_record_pdf",
    ),
    path(
        "staff/data/consultations/<uuid:code>/record.zip",
        record_views.record_zip,
        name="consultation_record_zip",
    ),
    path("staff/data/perception/", perception_views.series_list, name="perception_list"),
    path("staff/data/perception/new/", perception_views.series_edit, name="perception_create"),
    path("staff/data/perception/<uuid:code>/", perception_views.series_detail, name="perception"),
    path("staff/data/perception/<uuid:code>/edit/", perception_views.series_edit, name="perception_edit"),
    path("staff/data/board-pack/", board_pack_views.board_pack_page, name="board_pack"),
    path("staff/data/board-pack.pdf", board_pack_views.board_pack_pdf, name="board_pack_pdf"),
    path("staff/data/board-pack.docx", board_pack_views.board_pack_docx, name="board_pack_docx"),
    path("staff/data/requests/", requests.request_list, name="request_list"),
    path("staff/data/requests/<uuid:code>/", requests.request_detail, name="request_detail"),
    path("staff/data/<slug:slug>/", views.staff_dataset, name="staff_dataset"),
]
