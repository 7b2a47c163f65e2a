from django.urls import path

from . import views, views_admin, views_documents

app_name = "council"
urlpatterns = [
    path("", views.index, name="index"),
    path("reference/", views_admin.reference, name="reference"),
    path("reference/holidays/", views_admin.holidays, name="ref_holidays"),
    path("reference/holidays/<int:pk>/", views_admin.holiday_edit, name="ref_holiday_edit"),
    path(
        "reference/holidays/<int:pk>/delete/",
        views_admin.holiday_delete,
        name="ref_holiday_delete",
    ),
    path("sessions/new/", views.session_new, name="session_new"),
    path("sessions/<int:pk>/", views.session_page, name="session"),
    path("sessions/<int:pk>/attendance/<int:member_id>/", views.attendance, name="attendance"),
    path("sessions/<int:pk>/agenda/", views.add_item, name="add_item"),
    path("sessions/<int:pk>/open/", views.move_session, {"step": "open"}, name="open"),
    path("sessions/<int:pk>/close/", views.move_session, {"step": "close"}, name="close"),
    path("sessions/<int:pk>/minutes.<slug:fmt>", views.minutes, name="minutes"),
    path("sessions/<int:pk>/decision/", views.decision_new, name="decision_new"),
    path("items/<int:item_id>/vote/", views.vote, name="vote"),
    path("items/<int:item_id>/written/", views.written_vote, name="written_vote"),
    path("decisions/<int:pk>/", views.decision_page, name="decision"),
    path("decisions/<int:pk>/issue/", views.decision_issue, name="issue"),
    path("decisions/<int:pk>/file.<slug:fmt>", views.decision_file, name="decision_file"),
    path("awards/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("history/person/<int:pk>/", views.person_history, name="person_history"),
    path("history/unit/<int:pk>/", views.unit_history, name="unit_history"),
    path("documents/", views_documents.documents, name="documents"),
    path(
        "documents/units/<int:unit_pk>/",
        views_documents.settings_edit,
        name="document_settings",
    ),
    path("documents/body/", views_documents.body_wording, name="body_wording"),
    path("documents/signers/new/", views_documents.signer_edit, name="signer_new"),
    path("documents/signers/<int:pk>/", views_documents.signer_edit, name="signer"),
]
