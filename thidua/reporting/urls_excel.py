"""Excel round trip, under /reports/excel/ in the "reporting" namespace."""

from django.urls import path

from . import views_excel

urlpatterns = [
    path("<int:report_pk>/template.xlsx", views_excel.template_download, name="template"),
    path("upload/", views_excel.upload_page, name="excel_upload"),
    path("jobs/<int:pk>/", views_excel.job_page, name="excel_job"),
]
