import pytest
from django.test import Client

from thidua.reporting.models import ValidationRule
from thidua.reporting.testing import ReportingCast

pytestmark = pytest.mark.django_db


def rule_form(**changes: str) -> dict[str, str]:
    data = {
        "code": "X_LE_Y",
        "left": "SAV_CONF",
        "operator": "<=",
        "right": "CONF_SPEND",
        "severity": "warning",
        "message_vi": "Số tiết kiệm ({left}) lớn hơn số chi ({right}).",
        "message_en": "Savings ({left}) above spending ({right}).",
        "legal_basis": "",
        "valid_from": "2024-01-01",
        "valid_to": "9999-12-31",
    }
    return {**data, **changes}


def test_it_lets_an_administrator_add_a_rule(client: Client, rcast: ReportingCast) -> None:
    rcast.cast.admin.is_staff = rcast.cast.admin.is_superuser = True
    rcast.cast.admin.save()
    client.force_login(rcast.cast.admin)
    response = client.post("/quan-tri/reporting/validationrule/add/", rule_form())
    assert response.status_code == 302
    assert ValidationRule.objects.filter(code="X_LE_Y").exists()


def test_it_refuses_a_rule_that_does_not_compile(client: Client, rcast: ReportingCast) -> None:
    rcast.cast.admin.is_staff = rcast.cast.admin.is_superuser = True
    rcast.cast.admin.save()
    client.force_login(rcast.cast.admin)
    response = client.post(
        "/quan-tri/reporting/validationrule/add/", rule_form(left="__import__('os')")
    )
    assert response.status_code == 200
    assert not ValidationRule.objects.filter(code="X_LE_Y").exists()


def test_it_keeps_the_admin_from_ordinary_users(client: Client, rcast: ReportingCast) -> None:
    client.force_login(rcast.cast.reviewer)
    response = client.get("/quan-tri/reporting/validationrule/")
    assert response.status_code == 302
    assert "/quan-tri/login/" in response["Location"]
