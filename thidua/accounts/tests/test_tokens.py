"""A bearer token records when it was last used, at most once a minute (issue 8, point 5):
an API read must not be a database write on every request."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from thidua.accounts import tokens
from thidua.accounts.models import ApiToken
from thidua.testing import Cast

pytestmark = pytest.mark.django_db


def test_it_writes_last_used_at_at_most_once_a_minute(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    token, secret = tokens.issue_token(cast.reporter, "bảng tính")
    start = timezone.now()

    def use_at(seconds: int) -> list[str]:
        moment = start + dt.timedelta(seconds=seconds)
        monkeypatch.setattr("thidua.accounts.tokens.timezone.now", lambda: moment)
        with CaptureQueriesContext(connection) as queries:
            assert tokens.user_for_token(secret) == cast.reporter
        return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]

    assert len(use_at(0)) == 1
    assert use_at(30) == []
    assert use_at(59) == []
    assert len(use_at(61)) == 1
    token.refresh_from_db()
    assert token.last_used_at == start + dt.timedelta(seconds=61)


def test_it_still_refuses_a_revoked_token(cast: Cast) -> None:
    token, secret = tokens.issue_token(cast.reporter, "x")
    tokens.revoke_token(token)

    assert tokens.user_for_token(secret) is None
    assert ApiToken.objects.get(pk=token.pk).last_used_at is None
