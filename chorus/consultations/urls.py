from django.urls import path

from chorus.consultations import (
    answers_copy,
    builder,
    documents,
    help,
    import_views,
    moderation_views,
    respond_views,
    responses,
    summary_report,
    tagging_views,
    views,
)

app_name = "consultations"

urlpatterns = [
    path("staff/consultations/", views.consultation_list, name="consultation_list"),
    path("staff/consultations/new/", views.consultation_edit, name="consultation_create"),
    path("staff/consultations/<uuid:code>/", views.consultation_detail, name="consultation_detail"),
    path("staff/consultations/<uuid:code>/edit/", views.consultation_edit, name="consultation_edit"),
    path("staff/consultations/<uuid:code>/questions/", builder.questions, name="questions"),
    path("staff/consultations/<uuid:code>/documents/", documents.document_add, name="document_add"),
    path(
        "staff/consultations/<uuid:code>/documents/<uuid:document>/",
        documents.document_staff_download,
        name="document_staff_download",
    ),
    path(
        "staff/consultations/<uuid:code>/documents/<uuid:document>/replace/",
        documents.document_replace,
        name="document_replace",
    ),
    path(
        "staff/consultations/<uuid:code>/documents/<uuid:document>/remove/",
        documents.document_remove,
        name="document_remove",
    ),
    path(
        "staff/consultations/<uuid:code>/documents/<uuid:document>/delete-file/",
        documents.document_file_delete,
        name="document_file_delete",
    ),
    path(
        "staff/consultations/<uuid:code>/equality/", views.consultation_equality, name="consultation_equality"
    ),
    path(
        "staff/consultations/<uuid:code>/questions/<uuid:question>/remove/",
        builder.question_delete,
        name="question_delete",
    ),
    path(
        "staff/consultations/<uuid:code>/questions/<uuid:question>/change/",
        builder.question_edit,
        name="question_edit",
    ),
    path(
        "staff/consultations/<uuid:code>/questions/<uuid:question>/move/",
        builder.question_move,
        name="question_move",
    ),
    path(
        "staff/consultations/<uuid:code>/sections/<uuid:section>/change/",
        builder.section_edit,
        name="section_edit",
    ),
    path(
        "staff/consultations/<uuid:code>/sections/<uuid:section>/move/",
        builder.section_move,
        name="section_move",
    ),
    path("staff/consultations/<uuid:code>/publish/", builder.publish, name="publish"),
    path("staff/consultations/<uuid:code>/preview/", builder.preview, name="preview"),
    path("staff/consultations/<uuid:code>/preview/<int:number>/", builder.preview, name="preview_page"),
    path("staff/consultations/<uuid:code>/duplicate/", builder.duplicate, name="duplicate"),
    path("staff/consultations/<uuid:code>/responses/", responses.response_list, name="response_list"),
    path("staff/consultations/<uuid:code>/responses/new/", responses.response_enter, name="response_enter"),
    path(
        "staff/consultations/<uuid:code>/responses/<uuid:response>/",
        tagging_views.response_detail,
        name="response_detail",
    ),
    path(
        "staff/consultations/<uuid:code>/responses/<uuid:response>/tags/",
        tagging_views.response_tag_add,
        name="response_tag_add",
    ),
    path(
        "staff/consultations/<uuid:code>/responses/<uuid:response>/tags/<uuid:tag>/remove/",
        tagging_views.response_tag_remove,
        name="response_tag_remove",
    ),
    path(
        "staff/consultations/<uuid:code>/responses/<uuid:response>/notes/",
        tagging_views.response_note_add,
        name="response_note_add",
    ),
    path(
        "staff/consultations/<uuid:code>/summary.pdf",
        summary_report.summary_report_pdf,
        name="summary_report_pdf",
    ),
    path(
        "staff/consultations/<uuid:code>/responses/import/",
        import_views.response_import,
        name="response_import",
    ),
    path(
        "staff/consultations/<uuid:code>/responses/import/<uuid:job>/",
        import_views.response_import_check,
        name="response_import_check",
    ),
    path(
        "staff/consultations/<uuid:code>/responses/import/<uuid:job>/rows-to-fix.csv",
        import_views.response_import_problems,
        name="response_import_problems",
    ),
    path(
        "staff/consultations/<uuid:code>/responses.<str:file_format>",
        responses.response_export,
        name="response_export",
    ),
    path(
        "staff/consultations/<uuid:code>/moderation/",
        moderation_views.moderation_queue,
        name="moderation_queue",
    ),
    path(
        "staff/consultations/<uuid:code>/moderation/<uuid:response>/",
        moderation_views.moderation_response,
        name="moderation_response",
    ),
    path(
        "staff/consultations/<uuid:code>/moderation/<uuid:response>/redact/",
        moderation_views.moderation_redact,
        name="moderation_redact",
    ),
    path("staff/help-requests/", help.help_queue, name="help_queue"),
    path("staff/help-requests/<uuid:code>/", help.help_update, name="help_update"),
    path("consultations/", views.public_consultation_list, name="public_consultation_list"),
    path("consultations/<uuid:code>/", views.public_consultation, name="public_consultation"),
    path("consultations/<uuid:code>/get-help/", help.help_request, name="help_request"),
    path(
        "consultations/<uuid:code>/documents/<uuid:document>/",
        documents.document_download,
        name="document_download",
    ),
    path("consultations/<uuid:code>/responses/", views.public_responses, name="public_responses"),
    path(
        "consultations/<uuid:code>/published-responses.csv",
        views.public_responses_download,
        name="public_responses_download",
    ),
    path("consultations/<uuid:code>/respond/", respond_views.respond_start, name="respond_start"),
    path("consultations/<uuid:code>/respond/about-you/", respond_views.respond_about, name="respond_about"),
    path(
        "consultations/<uuid:code>/respond/questions/<int:number>/",
        respond_views.respond_section,
        name="respond_section",
    ),
    path(
        "consultations/<uuid:code>/respond/equality/", respond_views.respond_equality, name="respond_equality"
    ),
    path("consultations/<uuid:code>/respond/check/", respond_views.respond_check, name="respond_check"),
    path("consultations/<uuid:code>/respond/done/", respond_views.respond_done, name="respond_done"),
    path(
        "consultations/<uuid:code>/respond/your-answers.pdf",
        answers_copy.respond_answers_pdf,
        name="respond_answers_pdf",
    ),
    path("consultations/<uuid:code>/respond/save/", respond_views.respond_save, name="respond_save"),
    path(
        "consultations/<uuid:code>/respond/return/<uuid:draft>/",
        respond_views.respond_resume,
        name="respond_resume",
    ),
    path(
        "consultations/<uuid:code>/you-said-we-did/",
        views.public_consultation_impact,
        name="public_consultation_impact",
    ),
]
