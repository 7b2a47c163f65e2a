from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "thidua.reporting"
    label = "reporting"
    verbose_name = "Reporting"
