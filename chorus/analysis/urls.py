from django.urls import path

from chorus.analysis import case_sections, exports, review_views, social_views, views

app_name = "analysis"

urlpatterns = [
    path("staff/analysis/", views.run_list, name="run_list"),
    path("staff/analysis/new/", views.run_start, name="run_start"),
    path("staff/analysis/new/cases/", case_sections.case_run_start, name="case_run_start"),
    path("staff/analysis/social/", social_views.source_list, name="source_list"),
    path("staff/analysis/social/<uuid:code>/", social_views.source_detail, name="source_detail"),
    path("staff/analysis/emerging/cases/", social_views.case_emerging, name="case_emerging"),
    path("staff/analysis/emerging/<uuid:code>/", social_views.emerging, name="emerging"),
    path("staff/analysis/<uuid:code>/", views.run_detail, name="run_detail"),
    path("staff/analysis/<uuid:code>/retry/", views.run_retry, name="run_retry"),
    path("staff/analysis/<uuid:code>/responses/", views.run_responses, name="run_responses"),
    path("staff/analysis/<uuid:code>/changes/", views.run_changes, name="run_changes"),
    path("staff/analysis/<uuid:code>/move/", views.items_move, name="items_move"),
    path("staff/analysis/<uuid:code>/themes/new/", views.theme_create, name="theme_create"),
    path(
        "staff/analysis/<uuid:code>/responses/<int:item>/sentiment/",
        views.item_sentiment,
        name="item_sentiment",
    ),
    path("staff/analysis/<uuid:code>/themes/<int:key>/", views.theme_detail, name="theme_detail"),
    path("staff/analysis/<uuid:code>/themes/<int:key>/rename/", views.theme_rename, name="theme_rename"),
    path("staff/analysis/<uuid:code>/themes/<int:key>/lock/", views.theme_lock, name="theme_lock"),
    path("staff/analysis/<uuid:code>/themes/<int:key>/merge/", views.theme_merge, name="theme_merge"),
    path("staff/analysis/<uuid:code>/themes/<int:key>/split/", views.theme_split, name="theme_split"),
    path("staff/analysis/<uuid:code>/themes/<int:key>/delete/", views.theme_delete, name="theme_delete"),
    path("staff/analysis/<uuid:code>/review/", review_views.review_overview, name="review"),
    path("staff/analysis/<uuid:code>/review/start/", review_views.review_start, name="review_start"),
    path("staff/analysis/<uuid:code>/review/sign-off/", review_views.review_sign_off, name="review_sign_off"),
    path(
        "staff/analysis/<uuid:code>/review/signed-off/",
        review_views.review_signed_off,
        name="review_signed_off",
    ),
    path("staff/analysis/<uuid:code>/review/reopen/", review_views.review_reopen, name="review_reopen"),
    path("staff/analysis/<uuid:code>/review/code/", review_views.review_code, name="review_code"),
    path("staff/analysis/<uuid:code>/quality/new/", review_views.sample_new, name="sample_new"),
    path("staff/analysis/quality/<uuid:code>/", review_views.sample_detail, name="sample_detail"),
    path("staff/analysis/quality/<uuid:code>/code/", review_views.sample_code_next, name="sample_code_next"),
    path(
        "staff/analysis/quality/<uuid:code>/code/<int:position>/",
        review_views.sample_code,
        name="sample_code",
    ),
    path(
        "staff/analysis/quality/<uuid:code>/agreement/",
        review_views.sample_agreement,
        name="sample_agreement",
    ),
    path(
        "staff/analysis/quality/<uuid:code>/responses/<int:position>/resolve/",
        review_views.sample_resolve,
        name="sample_resolve",
    ),
    path("staff/analysis/<uuid:code>/themes.csv", exports.themes_csv, name="themes_csv"),
    path("staff/analysis/<uuid:code>/assignments.csv", exports.assignments_csv, name="assignments_csv"),
    path("staff/analysis/<uuid:code>/report.html", exports.report_html, name="report"),
    path("staff/analysis/<uuid:code>/report.pdf", exports.report_pdf, name="report_pdf"),
    path("staff/analysis/<uuid:code>/report.docx", exports.report_docx, name="report_docx"),
]
