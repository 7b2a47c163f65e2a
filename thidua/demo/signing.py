"""The demo's own certificate authority (issue 12 point 8): a root, and one signing
certificate per issuing body (every unit with a council or a decision), as PKCS#12 files under
`var/signing/` (never in git), with a random passphrase in `var/signing/passphrase`.
`make run` points THIDUA_SIGNING_DIR / _TRUST / _P12_PASSWORD at them, so issuing a decision in
the demo signs it. Not for production: a real issuer's certificate comes from a licensed CA."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings

from thidua.awards.models import Council
from thidua.council.models import Decision
from thidua.council.signatures import sign_issued
from thidua.lib import signing

CA_NAME = "CA thử nghiệm thidua (không dùng thật)"
SIGNED_DECISIONS = 12
"""How many of the demo's latest issued decisions are signed at once (each takes a moment)."""


def signing_dir() -> Path:
    return Path(settings.VAR_DIR) / "signing"


def _write(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    os.chmod(path, 0o600)


def ensure_demo_pki(directory: Path | None = None) -> tuple[Path, int]:
    """Create the CA (once) and a certificate for each issuing body that has none; the
    directory and the number of certificates created."""
    directory = directory or signing_dir()
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    secret_file, ca_key_file, ca_file = (
        directory / "passphrase",
        directory / "ca-key.pem",
        directory / "ca.pem",
    )
    if not secret_file.exists():
        _write(secret_file, secrets.token_urlsafe(24).encode())
    passphrase = secret_file.read_text().strip()
    if ca_file.exists() and ca_key_file.exists():
        ca = signing.load_ca(ca_file.read_bytes(), ca_key_file.read_bytes(), passphrase)
    else:
        ca = signing.make_ca(CA_NAME, "thidua demo")
        _write(ca_key_file, signing.ca_key_pem(ca, passphrase))
        _write(ca_file, ca.pem)
    created = 0
    units = {c.unit.code: c.unit.name for c in Council.objects.select_related("unit")}
    issuers = Decision.objects.order_by().values_list("issuer__code", "issuer__name").distinct()
    units.update(dict(issuers))
    for code, name in sorted(units.items()):
        target = directory / f"{code}.p12"
        if code and "/" not in code and not code.startswith(".") and not target.exists():
            _write(target, signing.make_certificate(ca, name, name, passphrase))
            created += 1
    return directory, created


def sign_latest(directory: Path | None = None, limit: int = SIGNED_DECISIONS) -> int:
    """Sign the latest issued decisions that are not signed yet (demo data is issued in bulk,
    without the issue action that signs)."""
    directory = directory or signing_dir()
    passphrase = (directory / "passphrase").read_text().strip()
    done = 0
    latest = Decision.objects.filter(status=Decision.Status.ISSUED, signed_pdf__isnull=True)
    for decision in latest.select_related("issuer").order_by("-date", "-pk")[:limit]:
        p12 = directory / f"{decision.issuer.code}.p12"
        if p12.exists() and sign_issued(decision, signing.SigningKey(p12, passphrase)):
            done += 1
    return done
