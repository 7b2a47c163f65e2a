"""Schemathesis over the whole OpenAPI description (issue 8, point 7): every operation, with
generated valid and invalid input, as an administrator of the small test tree. The bar: no
server error, every status code documented, every body as documented."""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from thidua.accounts.tokens import issue_token
from thidua.api import api
from thidua.reporting.testing import ReportingCast

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
schema.app = WSGIHandler()
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def bearer(rcast: ReportingCast) -> Iterator[dict[str, str]]:
    """A token of the root administrator. The requests run in the test's transaction, so the
    handler must not close the connection between them (Django's test client does the same)."""
    _token, secret = issue_token(rcast.cast.admin, "fuzz")
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {"Authorization": f"Bearer {secret}"}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_it_answers_every_operation_as_documented(case: Any, bearer: dict[str, str]) -> None:
    case.call_and_validate(headers=bearer, checks=CHECKS)
