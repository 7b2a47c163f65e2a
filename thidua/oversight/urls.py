from django.urls import path

from . import views

app_name = "oversight"
urlpatterns = [
    path("", views.index, name="index"),
    path("units/<int:unit_id>/<int:year>/", views.unit_year, name="unit_year"),
    path("queue/", views.queue, name="queue"),
    path("findings/<int:pk>/", views.finding, name="finding"),
    path("findings/<int:pk>/<str:to>/", views.move, name="move"),
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
    path("template/<str:kind>.xlsx", views_records.template, name="template"),
]
