"""Set up the body of a clean install: its root unit, its sector pack, the report periods of
its movements and its first administrator (python manage.py setup_body; README "Start a real
install"). Everything else (the tree, the staff) comes through the /org/io/ imports."""

from __future__ import annotations

import datetime as dt
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_noop

from thidua.accounts.actions import create_user, grant_role
from thidua.accounts.models import Role, RoleAssignment, User
from thidua.audit.chain import history, record
from thidua.awards.council_templates import create_from_template, read_templates
from thidua.awards.models import Council
from thidua.lib.text import fold, nfc
from thidua.org.actions import NewUnit, create_unit
from thidua.org.body import Body, wording_from_pack
from thidua.org.levels import load_levels
from thidua.org.models import OrgUnit, OrgUnitVersion, Person
from thidua.reporting.catalogue import ensure_periods
from thidua.reporting.models import Period

from .loader import Pack, PackError, available_packs, load_pack, read_pack


@dataclass(frozen=True)
class BodySpec:
    name: str
    short_name: str
    seat: str
    pack: str
    admin_username: str
    admin_password: str
    founded: dt.date | None = None
    admin_full_name: str = "Quản trị hệ thống"


@dataclass
class SetupResult:
    body: Body
    pack: Pack
    created: bool
    counts: dict[str, int] = field(default_factory=dict)
    periods: int = 0  # created by this run
    admin_created: bool = False
    council: Council | None = None  # created by this run from the pack's template


@transaction.atomic
def install_pack(name: str | Pack, *, by: Any) -> tuple[Pack, dict[str, int]]:
    """Load the pack into the install; a first load or a new version of the pack is recorded
    in the audit chain (the version before and after), a reload of the same version is not."""
    pack = read_pack(name) if isinstance(name, str) else name
    body = Body.objects.select_related("unit").first()
    if body is not None and body.pack != pack.name:
        raise PackError(
            gettext_noop("This install runs the sector pack “%(current)s”, not “%(name)s”."),
            current=body.pack,
            name=pack.name,
        )
    counts = load_pack(pack)
    last = history("pack", pack.name).order_by("-seq").first()
    before = (last.after or {}).get("version") if last is not None else None
    if before != pack.version:
        record(
            "pack.load",
            by=by,
            object_type="pack",
            object_id=pack.name,
            before={"version": before} if before else None,
            after={"version": pack.version, **counts},
        )
    if body is not None and body.pack_version != pack.version:
        body.pack_version = pack.version
        # A new version adds the texts the body lacks; the body's own edits stay.
        body.wording = {**pack_wording(pack), **(body.wording or {})}
        body.save(update_fields=["pack_version", "wording"])
    return pack, counts


def pack_wording(pack: Pack) -> dict[str, str]:
    """The body's wording and document defaults from the pack's `body` section."""
    try:
        return wording_from_pack(pack.manifest.get("body") or {})
    except ValidationError as exc:
        raise PackError(
            gettext_noop("The sector pack's body section is refused: %(errors)s"),
            errors=_text(exc),
        ) from exc


@transaction.atomic
def setup_body(spec: BodySpec, *, by: Any = "setup_body") -> SetupResult:
    """Create the body's root unit at the pack's top level, load the pack, create the report
    periods of every movement's whole span and the first administrator. Running it again with
    the same body changes nothing; another body on the same install is refused."""
    pack = read_pack(spec.pack)
    body = _existing_body(spec, pack)
    created = body is None
    if body is None:
        body = _create_body(spec, pack, by=by)
    pack, counts = install_pack(pack, by=by)
    before = Period.objects.count()
    for first, last in pack.movement_years():
        ensure_periods(first, last)
    periods = Period.objects.count() - before
    admin_created = _first_admin(spec, body.unit, by=by)
    council = root_council(pack, body.unit, by=by)
    return SetupResult(body, pack, created, counts, periods, admin_created, council)


def root_council(pack: Pack, root: OrgUnit, *, by: Any) -> Council | None:
    """The body's own council from the pack's template for its top level, with no members
    (members need people); None when the root already has one or the pack has no template.
    A template naming a level the pack does not have refuses the pack."""
    try:
        templates = (
            read_templates(pack.file("councils")) if "councils" in pack.manifest["files"] else {}
        )
    except (KeyError, ValueError) as exc:
        raise PackError(
            gettext_noop("The sector pack's council templates are refused: %(errors)s"),
            errors=str(exc),
        ) from exc
    levels = {row["code"] for row in _level_rows(pack)}
    unknown = sorted(set(templates) - levels)
    if unknown:
        raise PackError(
            gettext_noop("The council templates name levels the pack lacks: %(codes)s."),
            codes=", ".join(unknown),
        )
    template = templates.get(pack.top_level)
    return None if template is None else create_from_template(root, by=by, template=template)


def _existing_body(spec: BodySpec, pack: Pack) -> Body | None:
    body = Body.objects.select_related("unit").first()
    if body is not None:
        same = (body.unit.code, body.unit.name, body.pack) == (
            spec.short_name,
            nfc(spec.name),
            pack.name,
        )
        if same:
            return body
        _refuse(body.unit)
    root = OrgUnit.objects.filter(
        pk__in=OrgUnitVersion.objects.filter(parent__isnull=True).values("unit")
    ).first()
    if root is not None:
        _refuse(root)
    return None


def _refuse(unit: OrgUnit) -> None:
    raise PackError(
        gettext_noop(
            "This install already holds the body “%(name)s” (code %(code)s); it cannot be set"
            " up for another body. Use a new database."
        ),
        name=unit.name,
        code=unit.code,
    )


def _create_body(spec: BodySpec, pack: Pack, *, by: Any) -> Body:
    levels = load_levels(pack.file("levels"))
    top = next(r for r in _level_rows(pack) if r["code"] == pack.top_level)
    founded = spec.founded or dt.date(min(first for first, _last in pack.movement_years()), 1, 1)
    try:
        root = create_unit(
            NewUnit(
                spec.short_name,
                nfc(spec.name),
                levels[pack.top_level],
                None,
                kind=top.get("kind", OrgUnit.Kind.AGENCY),
                budget_role=top.get("budget_role", OrgUnit.BudgetRole.NONE),
            ),
            day=founded,
        )
    except ValidationError as exc:
        raise PackError(
            gettext_noop("The body cannot be created: %(errors)s"), errors=_text(exc)
        ) from exc
    body = Body.objects.create(
        unit=root,
        seat=nfc(spec.seat),
        pack=pack.name,
        pack_version=pack.version,
        wording=pack_wording(pack),
    )
    record(
        "body.setup",
        by=by,
        object_type="org.unit",
        object_id=root.pk,
        after={"code": root.code, "name": root.name, "seat": body.seat, "pack": pack.name},
    )
    return body


def _level_rows(pack: Pack) -> list[dict[str, Any]]:
    import json

    data = json.loads(pack.file("levels").read_text(encoding="utf-8"))
    return list(data["levels"])


def _first_admin(spec: BodySpec, root: OrgUnit, *, by: Any) -> bool:
    """The first administrator: a login, its staff record and the administrator role on the
    root unit. An existing user of that name must already be this body's administrator."""
    user = User.objects.filter(username=spec.admin_username).first()
    if user is not None:
        if not RoleAssignment.objects.filter(user=user, role=Role.ADMIN, unit=root).exists():
            raise PackError(
                gettext_noop(
                    "The user name “%(username)s” is taken by someone who is not this body's"
                    " administrator."
                ),
                username=spec.admin_username,
            )
        return False
    try:
        validate_password(spec.admin_password, User(username=spec.admin_username))
    except ValidationError as exc:
        raise PackError(
            gettext_noop("The password is refused: %(errors)s"), errors=_text(exc)
        ) from exc
    name = nfc(spec.admin_full_name)
    code = f"QT-{spec.admin_username}"[:40]
    person = Person.objects.create(code=code, full_name=name, search_key=fold(f"{name} {code}"))
    user = create_user(spec.admin_username, spec.admin_password, person=person)
    user.is_staff = user.is_superuser = True  # reference data is edited in /quan-tri/ for now
    user.save(update_fields=["is_staff", "is_superuser"])
    grant_role(RoleAssignment(user=user, role=Role.ADMIN, unit=root, valid_from=root.valid_from))
    record(
        "user.create_admin",
        by=by,
        object_type="accounts.user",
        object_id=user.pk,
        after={"username": user.username, "role": Role.ADMIN, "unit": root.code},
    )
    return True


def _text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


# --- the set-up page (/setup/) -------------------------------------------------------------

TOKEN_ENV = "THIDUA_SETUP_TOKEN"


def is_set_up() -> bool:
    """The install serves a body, or holds units already (the demo, an import): the set-up page
    is closed."""
    return Body.objects.exists() or OrgUnit.objects.exists()


def _token_path() -> Path:
    return Path(settings.VAR_DIR) / "setup_token"


def new_setup_token() -> str:
    """A fresh one-time token for the set-up page, kept in var/setup_token (readable by the
    server's user only) until the body is set up; a new call replaces the old token."""
    token = secrets.token_urlsafe(24)
    path = _token_path()
    path.write_text(token + "\n", encoding="utf-8")
    path.chmod(0o600)
    return token


def setup_token_matches(given: str) -> bool:
    """The token of the environment (THIDUA_SETUP_TOKEN) or of var/setup_token, compared in
    constant time; without either, no token matches."""
    expected = os.environ.get(TOKEN_ENV, "").strip()
    if not expected and _token_path().exists():
        expected = _token_path().read_text(encoding="utf-8").strip()
    return bool(expected) and hmac.compare_digest(expected.encode(), given.strip().encode())


def forget_setup_token() -> None:
    _token_path().unlink(missing_ok=True)


@dataclass(frozen=True)
class PackChoice:
    name: str
    title: str
    description: str
    titles: list[str]


def shipped_packs(language: str = "vi") -> list[PackChoice]:
    """The packs a body can be set up on, each with its title, description and the names of
    its titles and award forms (what the set-up page shows), in English when asked and given."""
    en = "_en" if language == "en" else ""
    choices = []
    for name in available_packs():
        pack = read_pack(name)
        data = json.loads(pack.file("titles").read_text(encoding="utf-8"))
        manifest = pack.manifest
        choices.append(
            PackChoice(
                name,
                str(manifest.get(f"title{en}") or pack.title),
                str(manifest.get(f"description{en}") or manifest.get("description", "")),
                [str(t.get(f"name{en}") or t["name"]) for t in data["titles"]],
            )
        )
    return choices


@transaction.atomic
def setup_from_page(spec: BodySpec) -> SetupResult:
    """setup_body for the set-up page: refused once the install is set up (checked again inside
    the transaction); the token is forgotten after a set-up."""
    if is_set_up():
        raise PackError(gettext_noop("This install is already set up."))
    result = setup_body(spec, by="setup_page")
    forget_setup_token()  # were the transaction to fail after this, print a new token
    return result
