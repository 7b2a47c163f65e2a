from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "thidua.dashboards"
    label = "dashboards"
    verbose_name = "Dashboards"
