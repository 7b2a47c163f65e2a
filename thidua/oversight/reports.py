"""Anonymous waste reports: the tracking code and its secret, the files' metadata stripping,
and the writes (submission, messages, the handler's triage).

Anonymity (docs/oversight.md): nothing about the sender's connection reaches these
functions; a report and a message are dated to the day; the submission and the sender's
messages write no audit event (the chain's timestamps and order would date them to the
second); the handler's moves and replies are audited as usual."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pikepdf
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps

from thidua.accounts.models import Role, RoleAssignment
from thidua.audit.chain import record
from thidua.audit.workflow import move_status
from thidua.lib.dates import today
from thidua.lib.filetypes import JPEG, PDF, PNG, WEBP, Kind, RefusedFile, detect
from thidua.lib.text import nfc
from thidua.notifications.actions import notify
from thidua.org import tree
from thidua.org.models import OrgUnit

from .models import (
    Finding,
    FindingHistory,
    FindingState,
    ReportFile,
    ReportHistory,
    ReportMessage,
    WasteReport,
)

S = FindingState
MOVES: dict[str, set[str]] = {
    S.NEW: {S.REVIEW, S.CONFIRMED, S.DISMISSED},
    S.REVIEW: {S.CONFIRMED, S.DISMISSED},
    S.EXPLAINED: {S.REVIEW, S.CONFIRMED, S.DISMISSED},
    S.CONFIRMED: set(),
    S.DISMISSED: set(),
}

MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_FILES = 3
MAX_TEXT = 5000
MAX_MESSAGE = 3000
ACCEPTED: tuple[Kind, ...] = (JPEG, PNG, WEBP, PDF)
MAX_PIXELS = 40_000_000

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""No 0/O, 1/I/L: a code read over the phone or copied by hand stays right."""
SCRYPT = {"n": 2**14, "r": 8, "p": 1}


# -- code and secret -------------------------------------------------------------------------


def _random(n: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(n))


def new_code() -> str:
    """A tracking code such as 7KQ4-M9XD-2P (10 characters, ~49 bits)."""
    raw = _random(10)
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def new_secret() -> str:
    """A secret of 20 characters (~99 bits) in five groups."""
    raw = _random(20)
    return "-".join(raw[i : i + 4] for i in range(0, 20, 4))


def normalise(text: str) -> str:
    """What the person typed, as stored: upper case, no spaces or dashes, 0→O… never needed
    since the alphabet has none; only spaces and dashes are dropped."""
    return "".join(ch for ch in text.upper() if ch in CODE_ALPHABET)


def hash_secret(secret: str, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(normalise(secret).encode(), salt=salt, dklen=32, **SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


_DUMMY = hash_secret("UNKNOWN", b"\0" * 16)


def _check(secret: str, stored: str) -> bool:
    try:
        _scheme, salt, _digest = stored.split("$")
        expected = hash_secret(secret, bytes.fromhex(salt))
    except ValueError:
        return False
    return hmac.compare_digest(expected, stored)


def open_report(code: str, secret: str) -> WasteReport | None:
    """The report with this code and secret, or None. An unknown code costs the same slow
    hash as a wrong secret, and both give the same None."""
    wanted = normalise(code)
    if len(wanted) != 10:
        _check(secret, _DUMMY)
        return None
    shown = f"{wanted[:4]}-{wanted[4:8]}-{wanted[8:]}"
    report = WasteReport.objects.filter(code=shown).first()
    ok = _check(secret, report.secret_hash if report else _DUMMY)
    return report if report is not None and ok else None


# -- files -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    kind: Kind


def _clean_image(data: bytes, kind: Kind) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise RefusedFile("bomb")
            probe.verify()
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            upright = ImageOps.exif_transpose(im)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise RefusedFile("damaged") from exc
    clean = upright.copy()
    clean.info = {}
    out = io.BytesIO()
    if kind == JPEG:
        clean.convert("RGB").save(out, "JPEG", quality=90, exif=b"")
    elif kind == PNG:
        if clean.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
            clean = clean.convert("RGBA")
        clean.save(out, "PNG")
    else:
        clean.save(out, "WEBP", quality=90, exif=b"", xmp=b"")
    return out.getvalue()


_ACTIVE = ("/JS", "/JavaScript", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia")


def _clean_pdf(data: bytes) -> bytes:
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Dictionary) and any(k in obj for k in _ACTIVE):
                    raise RefusedFile("macros")
            if "/Info" in pdf.trailer:
                del pdf.trailer["/Info"]
            if "/Metadata" in pdf.Root:
                del pdf.Root["/Metadata"]
            for page in pdf.pages:
                if "/Metadata" in page.obj:
                    del page.obj["/Metadata"]
            if "/OpenAction" in pdf.Root:
                del pdf.Root["/OpenAction"]
            out = io.BytesIO()
            pdf.save(out, deterministic_id=True, fix_metadata_version=False)
    except pikepdf.PasswordError as exc:
        raise RefusedFile("damaged") from exc
    except pikepdf.PdfError as exc:
        raise RefusedFile("damaged") from exc
    return out.getvalue()


def clean_file(data: bytes) -> CleanFile:
    """The file as it will be stored: an image or a PDF recognised by its content, with its
    metadata removed; RefusedFile for anything else, damaged or carrying code."""
    kind = detect(data)
    if kind not in ACCEPTED:
        raise RefusedFile("type")
    content = _clean_pdf(data) if kind == PDF else _clean_image(data, kind)
    return CleanFile(content, kind)


# -- writes ----------------------------------------------------------------------------------


def province_of(unit: OrgUnit, day: dt.date) -> int:
    """The unit's province on `day` for the public counts: its ancestor at the pack's
    province level (org.tree.province_of)."""
    return tree.province_of(unit.pk, day)


def supervisors_of(unit_id: int, day: dt.date) -> list[Any]:
    """People holding the supervisor role on the unit or a unit above it on `day`."""
    above = [*tree.ancestor_ids(unit_id, day), unit_id]
    rows = RoleAssignment.objects.at(day).filter(role=Role.SUPERVISOR, unit_id__in=above)
    return list({r.user_id: r.user for r in rows.select_related("user")}.values())


@dataclass(frozen=True)
class Receipt:
    report: WasteReport
    secret: str


def submit_report(unit: OrgUnit, text: str, files: Sequence[CleanFile]) -> Receipt:
    """Store a report (all or nothing) and tell the unit's supervisors; the secret is
    returned once and kept only as its hash."""
    day = today()
    secret = new_secret()
    with transaction.atomic():
        code = new_code()
        while WasteReport.objects.filter(code=code).exists():
            code = new_code()
        report = WasteReport.objects.create(
            unit=unit,
            province_id=province_of(unit, day),
            text=nfc(text),
            received_on=day,
            code=code,
            secret_hash=hash_secret(secret),
        )
        _store_files(report, None, files)
        notify(
            supervisors_of(unit.pk, day),
            "waste_report",
            title=gettext_lazy("A waste report about %(unit)s"),
            body=gettext_lazy(
                "An anonymous report was received; open it from the oversight queue."
            ),
            params={"unit": unit.name},
            link=f"/oversight/reports/{report.pk}/",
            unit_name=unit.name,
        )
    return Receipt(report, secret)


def _store_files(
    report: WasteReport, message: ReportMessage | None, files: Iterable[CleanFile]
) -> None:
    ReportFile.objects.bulk_create(
        [
            ReportFile(
                report=report,
                message=message,
                content=f.content,
                content_type=f.kind.content_type,
                size=len(f.content),
            )
            for f in files
        ]
    )


def _text(text: str, limit: int, missing: str) -> str:
    clean = nfc(text)
    if not clean:
        raise ValidationError({"text": missing})
    if len(clean) > limit:
        raise ValidationError({"text": _("The text is too long.")})
    return clean


def sender_writes(report: WasteReport, text: str) -> ReportMessage:
    """A message of the anonymous sender (dated to the day, not audited: see the module)."""
    clean = _text(text, MAX_MESSAGE, _("Write your message."))
    return ReportMessage.objects.create(report=report, from_sender=True, text=clean, on=today())


def handler_replies(report: WasteReport, text: str, *, by: Any) -> ReportMessage:
    """The handler's answer, which the sender reads with the code and the secret."""
    clean = _text(text, MAX_MESSAGE, _("Write your answer."))
    with transaction.atomic():
        message = ReportMessage.objects.create(
            report=report, from_sender=False, by=by, text=clean, on=today()
        )
        record(
            "oversight.waste_report.reply",
            by=by,
            object_type="oversight.waste_report",
            object_id=report.pk,
            after={"message": message.pk},
        )
    return message


def move_report(
    report: WasteReport,
    to: str,
    *,
    by: Any,
    reason: str,
    deadline: dt.date | None = None,
) -> None:
    """The handler moves the report (a reason is required to confirm or dismiss)."""
    if to in (S.CONFIRMED, S.DISMISSED) and not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    with transaction.atomic():
        report.deadline = deadline if to == S.REVIEW else report.deadline
        if to == S.REVIEW and report.assignee is None:
            report.assignee = by if getattr(by, "pk", None) else None
        move_status(
            report,
            to,
            allowed=MOVES,
            refusal=_("This report cannot move to that state now."),
            object_type="oversight.waste_report",
            by=by,
            reason=reason,
            history=ReportHistory,
            fields=["assignee", "deadline"],
            after={"deadline": deadline.isoformat() if deadline else None},
        )
        if to == S.CONFIRMED:
            finding_of_report(report, reason=reason, by=by)


REPORT_RULE = "WASTE_REPORT"


def report_finding_key(report: WasteReport) -> str:
    return f"{REPORT_RULE}:r{report.pk}"


def finding_of_report(report: WasteReport, *, reason: str, by: Any) -> Finding:
    """Confirming a report about a unit opens a finding of the rule WASTE_REPORT in the unit's
    year of receipt, under review (the unit is asked to explain), so that it follows the
    findings' triage: once the supervisor confirms it, it is deducted like any violation. The
    finding carries the supervisor's reason only, never the sender's text or the code."""
    f, created = Finding.objects.get_or_create(
        unit_id=report.unit_id,
        year=report.received_on.year,
        rule=REPORT_RULE,
        key=report_finding_key(report),
        defaults={"severity": "high", "numbers": {"note": reason}, "status": S.REVIEW},
    )
    if created:
        FindingHistory.objects.create(
            finding=f,
            from_status=S.NEW,
            to_status=S.REVIEW,
            by=by if getattr(by, "pk", None) else None,
            at=timezone.now(),
            reason=reason,
        )
        record(
            "oversight.waste_report.finding",
            by=by,
            object_type="oversight.waste_report",
            object_id=report.pk,
            after={"finding": f.pk},
        )
    return f
