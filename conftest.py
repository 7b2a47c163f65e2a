from typing import Any

import pytest

pytest_plugins = ["thidua.testing", "thidua.reporting.testing"]


def pytest_configure(config: Any) -> None:
    from django.conf import settings

    # Tests create many users; the production hasher is deliberately slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_scope_cache() -> None:
    """Rolled-back tests reuse ids; a scope cached by an earlier test must not leak."""
    from thidua.accounts.access import forget_scopes

    forget_scopes()
