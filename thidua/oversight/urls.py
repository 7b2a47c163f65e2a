from django.urls import path

from . import views, views_samples

app_name = "oversight"
urlpatterns = [
    path("", views.index, name="index"),
    path("units/<int:unit_id>/<int:year>/", views.unit_year, name="unit_year"),
    path("queue/", views.queue, name="queue"),
    path("findings/<int:pk>/", views.finding, name="finding"),
    path("findings/<int:pk>/<str:to>/", views.move, name="move"),
    path("samples/", views_samples.samples, name="samples"),
    path("samples/<int:pk>/", views_samples.sample, name="sample"),
    path("samples/items/<int:pk>/", views_samples.sample_result, name="sample_result"),
]

# Issue 13 point 6: anonymous waste reports, the handler's side (views_reports.py).
from . import views_reports  # noqa: E402

urlpatterns += [
    path("reports/<int:pk>/", views_reports.report, name="report"),
    path("reports/<int:pk>/files/<int:file_id>/", views_reports.report_file, name="report_file"),
    path("reports/<int:pk>/reply/", views_reports.report_reply, name="report_reply"),
    path("reports/<int:pk>/<str:to>/", views_reports.report_move, name="report_move"),
]

from . import views_records  # noqa: E402

urlpatterns += [
    path(
        "units/<int:unit_id>/<int:year>/add/<str:kind>/",
        views_records.record_add,
        name="record_add",
    ),
    path(
        "units/<int:unit_id>/<int:year>/export/<str:kind>.xlsx",
        views_records.export,
        name="export",
    ),
    path(
        "units/<int:unit_id>/<int:year>/import/<str:kind>/",
        views_records.import_records,
        name="import",
    ),
    path(
        "units/<int:unit_id>/<int:year>/<str:kind>/<int:pk>/edit/",
        views_records.record_edit,
        name="record_edit",
    ),
    path(
        "units/<int:unit_id>/<int:year>/<str:kind>/<int:pk>/delete/",
        views_records.record_delete,
        name="record_delete",
    ),
    path("template/<str:kind>.xlsx", views_records.template, name="template"),
]
