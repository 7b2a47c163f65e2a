from typing import Any

pytest_plugins = ["thidua.testing", "thidua.reporting.testing"]


def pytest_configure(config: Any) -> None:
    from django.conf import settings

    # Tests create many users; the production hasher is deliberately slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
