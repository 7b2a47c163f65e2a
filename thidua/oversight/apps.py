from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "thidua.oversight"
    label = "oversight"
    verbose_name = "Oversight"
