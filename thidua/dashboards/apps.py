from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "thidua.dashboards"
    label = "dashboards"
    verbose_name = "Dashboards"

    def ready(self) -> None:
        # huey's worker discovers `tasks` modules only: register the review job too.
        from . import review_tasks  # noqa: F401
