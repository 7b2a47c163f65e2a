from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_head(using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    from .chain import install_head
    from .models import AuditHead

    table = AuditHead._meta.db_table
    if table in connections[using].introspection.table_names():
        install_head(using)


class AuditConfig(AppConfig):
    name = "thidua.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        # Also after `flush` (tests), which empties the table and emits post_migrate.
        post_migrate.connect(_install_head, sender=self)
