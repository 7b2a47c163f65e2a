"""The demo's own CA (issue 12 point 8): one certificate per issuing body under a private
directory, made once, and the latest issued decisions signed with them."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest

from thidua.council import actions
from thidua.council.models import Decision
from thidua.council.testing import World
from thidua.council.tests.test_decisions import _closed_session, _decision
from thidua.demo.signing import ensure_demo_pki, sign_latest
from thidua.lib import signing

pytestmark = pytest.mark.django_db


def test_the_demo_ca_signs_the_latest_decisions(
    world: World, tmp_path: Path, settings: Any
) -> None:
    settings.THIDUA_SIGNING_DIR = settings.THIDUA_SIGNING_P12 = ""
    settings.BALLOT_KEY_DIR = tmp_path / "ballot-keys"
    directory, created = ensure_demo_pki(tmp_path / "signing")
    code = world.council.unit.code
    assert created == 1 and (directory / f"{code}.p12").is_file()
    for name in ("passphrase", "ca-key.pem", f"{code}.p12"):
        assert stat.S_IMODE((directory / name).stat().st_mode) == 0o600
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    ca_pem = (directory / "ca.pem").read_bytes()
    assert ensure_demo_pki(directory) == (directory, 0)  # made once
    assert (directory / "ca.pem").read_bytes() == ca_pem

    decision = actions.issue_decision(_decision(world, _closed_session(world)), by=world.secretary)
    assert not decision.signed_pdf  # signing is not configured: the demo signs it afterwards
    assert sign_latest(directory) == 1
    decision = Decision.objects.get(pk=decision.pk)
    result = signing.verify_pdf(bytes(decision.signed_pdf or b""), [ca_pem])
    assert result.status is signing.Status.VALID
    assert result.signer_name == world.council.unit.name
    assert sign_latest(directory) == 0  # already signed
