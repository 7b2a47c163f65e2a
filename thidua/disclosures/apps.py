from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    name = "thidua.disclosures"
    label = "disclosures"
    verbose_name = "Disclosures"
