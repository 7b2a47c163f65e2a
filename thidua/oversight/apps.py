from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "thidua.oversight"
    label = "oversight"
    verbose_name = "Oversight"

    def ready(self) -> None:
        # Figures approved (or taken back) in a THTK-CLP report: the plan flags see them at once.
        from thidua.reporting.actions import LOCK_CHANGED

        from .actions_plan import recheck_report

        if recheck_report not in LOCK_CHANGED:
            LOCK_CHANGED.append(recheck_report)
