from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "thidua.evaluation"
    label = "evaluation"
    verbose_name = "Evaluation"

    def ready(self) -> None:
        # A violation confirmed by a supervisor is deducted at once (issue 13).
        from thidua.oversight.actions import AFTER_CONFIRM

        from .actions import recompute_unit_year

        if recompute_unit_year not in AFTER_CONFIRM:
            AFTER_CONFIRM.append(recompute_unit_year)
