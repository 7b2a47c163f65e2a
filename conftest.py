from typing import Any

import pytest

pytest_plugins = ["thidua.testing", "thidua.reporting.testing"]


def pytest_configure(config: Any) -> None:
    from django.conf import settings

    # Tests create many users; the production hasher is deliberately slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A live server answers a browser's keep-alive socket on one thread until the socket closes;
    # with persistent connections each such thread kept its PostgreSQL connection for a minute,
    # and the journeys' many browser contexts once exhausted the server's 100 connections.
    # Tests close the connection at the end of every request (new connections read this dict).
    for db in settings.DATABASES.values():
        db["CONN_MAX_AGE"] = 0


@pytest.fixture(autouse=True)
def _fresh_scope_cache() -> None:
    """Rolled-back tests reuse ids; a scope cached by an earlier test must not leak."""
    from django.core.cache import cache

    from thidua.accounts.access import forget_scopes

    forget_scopes()
    cache.clear()  # figures kept under keys of ids and versions an earlier test also had
