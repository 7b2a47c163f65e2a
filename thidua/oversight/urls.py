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
