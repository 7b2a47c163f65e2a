"""The anonymous waste reports' public pages, mounted at /public/phan-anh/ (thidua/urls.py)."""

from django.urls import path

from . import views_public

app_name = "waste_reports"
urlpatterns = [
    path("", views_public.report_form, name="form"),
    path("theo-doi/", views_public.status, name="status"),
    path("thong-ke/", views_public.counts, name="counts"),
]
