from django.urls import include, path

from . import views, views_admin, views_remind

app_name = "reporting"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("reference/deadlines/", views_admin.deadlines, name="ref_deadlines"),
    path("reference/deadlines/<int:pk>/", views_admin.deadline_edit, name="ref_deadline_edit"),
    path("reference/deadlines/new/<slug:kind>/", views_admin.deadline_new, name="ref_deadline_new"),
    path("reference/forms/", views_admin.report_forms, name="ref_forms"),
    path("reference/forms/<int:pk>/", views_admin.report_form, name="ref_form"),
    path("reference/forms/<int:pk>/edit/", views_admin.report_form_edit, name="ref_form_edit"),
    path("reference/forms/<int:pk>/rules/new/", views_admin.rule_new, name="ref_rule_new"),
    path("reference/rules/<int:pk>/", views_admin.rule_edit, name="ref_rule_edit"),
    path("<int:pk>/", views.report_page, name="report"),
    path("<int:pk>/cells/<int:indicator_id>/", views.save_cell, name="save_cell"),
    path("<int:pk>/narrative/<int:part_id>/", views.save_narrative, name="save_narrative"),
    path("<int:pk>/transition/<slug:action>/", views.transition, name="transition"),
    path("<int:pk>/attachments/", views.upload_attachment, name="attachments"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.download_attachment, name="attachment"),
    path("open/", views.open_report_view, name="open"),
    path("open/periods/", views.open_periods, name="open_periods"),
    path("completeness/", views.completeness, name="completeness"),
    path("completeness/remind/", views_remind.remind, name="remind"),
    path("rollups/", include("thidua.reporting.urls_rollups")),
    path("excel/", include("thidua.reporting.urls_excel")),
]
