from django.urls import path

from . import views_rollups

urlpatterns = [
    path("", views_rollups.rollup, name="rollup"),
    path("xlsx/", views_rollups.rollup_xlsx, name="rollup_xlsx"),
]
