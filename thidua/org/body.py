"""The body an install serves: its root unit, the sector pack it runs on, the pack's version
last loaded (setup_body, load_pack) and the body's own wording and document defaults (how it
names its head, the symbol and place of its decisions, the label of "joined on"...), filled
from the pack's `body` section and editable later. Code never names a sector: it asks
`profile_for(unit)` and gets neutral wording when no body is set up."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import translation
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from thidua.audit.chain import record
from thidua.lib.text import nfc

if TYPE_CHECKING:
    from .models import OrgUnit


@dataclass(frozen=True)
class BodyProfile:
    """The wording and document defaults of one body. `*_en` texts are shown when the page is
    in English; empty ones fall back to the Vietnamese text."""

    issuer_symbol: str = "QĐ"
    place: str = ""
    signer_title: str = "Thủ trưởng cơ quan"
    signer_title_en: str = "Head of the body"
    head_title: str = "Thủ trưởng cơ quan"
    head_title_en: str = "Head of the body"
    deputy_head_title: str = "Phó Thủ trưởng cơ quan"
    deputy_head_title_en: str = "Deputy head of the body"
    thematic_award_form: str = ""
    sector_initiative_level: str = "Cấp bộ, ban, ngành, tỉnh"
    sector_initiative_level_en: str = "Ministry, sector or province level"
    cluster_guidance: str = ""
    cluster_guidance_en: str = ""
    joined_on: str = "Ngày vào cơ quan"
    joined_on_en: str = "Joined the body on"

    def text(self, name: str) -> str:
        """The text `name` in the active language (English when the page is English and the
        body has an English text, else the Vietnamese one)."""
        vi = str(getattr(self, name))
        if (translation.get_language() or "vi").startswith("en"):
            return str(getattr(self, f"{name}_en", "") or vi)
        return vi

    @property
    def head_title_text(self) -> str:
        return self.text("head_title")

    @property
    def signer_title_text(self) -> str:
        return self.text("signer_title")

    @property
    def sector_initiative_level_text(self) -> str:
        return self.text("sector_initiative_level")

    @property
    def cluster_guidance_text(self) -> str:
        return self.text("cluster_guidance")

    @property
    def joined_on_text(self) -> str:
        return self.text("joined_on")


NEUTRAL = BodyProfile()

WORDING_LABELS: dict[str, Any] = {
    "issuer_symbol": _("Number symbol of decisions"),
    "place": _("Place on documents"),
    "signer_title": _("Title of the signer"),
    "signer_title_en": _("Title of the signer (English)"),
    "head_title": _("Title of a unit's head"),
    "head_title_en": _("Title of a unit's head (English)"),
    "deputy_head_title": _("Title of a unit's deputy head"),
    "deputy_head_title_en": _("Title of a unit's deputy head (English)"),
    "thematic_award_form": _("Award of the thematic review"),
    "sector_initiative_level": _("Name of the sector level of initiatives"),
    "sector_initiative_level_en": _("Name of the sector level of initiatives (English)"),
    "cluster_guidance": _("Guidance on clusters"),
    "cluster_guidance_en": _("Guidance on clusters (English)"),
    "joined_on": _("Label of the date a person joined"),
    "joined_on_en": _("Label of the date a person joined (English)"),
}
"""What each text of the body's wording is, for the page that edits them."""
WORDING_KEYS: frozenset[str] = frozenset(f.name for f in fields(BodyProfile))


def wording_from_pack(section: dict[str, Any]) -> dict[str, str]:
    """The body's wording from a pack's `body` section: its nested `documents` and `wording`
    parts flattened, its `note` left out. An unknown key or a value that is not text is
    refused (ValidationError)."""
    flat: dict[str, Any] = {}
    for key, value in section.items():
        if key == "note":
            continue
        if key in ("documents", "wording") and isinstance(value, dict):
            flat.update(value)
        else:
            flat[key] = value
    validate_wording(flat)
    return {k: str(v) for k, v in flat.items()}


def validate_wording(value: Any) -> None:
    if not isinstance(value, dict):
        raise ValidationError(_("The body's wording must be a set of named texts."))
    unknown = sorted(set(value) - WORDING_KEYS)
    if unknown:
        raise ValidationError(
            _("Unknown wording of the body: %(keys)s."), params={"keys": ", ".join(unknown)}
        )
    bad = sorted(k for k, v in value.items() if not isinstance(v, str))
    if bad:
        raise ValidationError(
            _("The body's wording must be text: %(keys)s."), params={"keys": ", ".join(bad)}
        )


class Body(models.Model):
    unit = models.OneToOneField(
        "org.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("root unit")
    )
    seat = models.CharField(_("seat"), max_length=255, blank=True)
    pack = models.SlugField(_("sector pack"), max_length=40)
    pack_version = models.CharField(_("pack version"), max_length=40)
    wording = models.JSONField(
        _("wording and document defaults"),
        default=dict,
        blank=True,
        validators=[validate_wording],
        help_text=_("Filled from the sector pack at set-up; a missing text takes neutral wording."),
    )
    created_at = models.DateTimeField(_("set up at"), auto_now_add=True)

    class Meta:
        verbose_name = _("body")

    def __str__(self) -> str:
        return str(self.unit)

    @property
    def profile(self) -> BodyProfile:
        known = {k: str(v) for k, v in (self.wording or {}).items() if k in WORDING_KEYS and v}
        for key in list(known):
            # The body's own text without an English one: shown in English pages too, rather
            # than the neutral English of something else.
            if f"{key}_en" in WORDING_KEYS and f"{key}_en" not in known:
                known[f"{key}_en"] = ""
        return BodyProfile(**known)


@transaction.atomic
def save_wording(body: Body, wording: dict[str, str], *, by: Any) -> Body:
    """Replace the body's wording (empty texts dropped: they take neutral wording); recorded
    in the audit chain with the texts before and after."""
    clean = {k: nfc(str(v)).strip() for k, v in wording.items()}
    clean = {k: v for k, v in clean.items() if v}
    validate_wording(clean)
    locked = Body.objects.select_for_update().get(pk=body.pk)
    before = dict(locked.wording or {})
    if clean != before:
        locked.wording = clean
        locked.save(update_fields=["wording"])
        record(
            "org.body.wording",
            by=by,
            object_type="org.unit",
            object_id=locked.unit_id,
            before=before,
            after=clean,
        )
    return locked


def root_of(unit: OrgUnit | int) -> int:
    """The id of the unit's top ancestor (the unit itself when it has none)."""
    from .models import TreePath

    unit_id = unit if isinstance(unit, int) else unit.pk
    top = (
        TreePath.objects.filter(descendant_id=unit_id)
        .order_by("-depth")
        .values_list("ancestor_id", flat=True)
        .first()
    )
    return top or unit_id


def body_for(unit: OrgUnit | int | None = None) -> Body | None:
    """The body whose root is the unit's top ancestor; without a unit, or when that root is
    no body's, the install's only body (an install serves one body, setup_body). One query
    when the install has one body."""
    bodies = list(Body.objects.all()[:2])
    if len(bodies) < 2:
        return bodies[0] if bodies else None
    if unit is not None:
        return Body.objects.filter(unit_id=root_of(unit)).first()
    return None


def profile_for(unit: OrgUnit | int | None = None) -> BodyProfile:
    """The wording and document defaults of the unit's body; neutral ones without a body."""
    body = body_for(unit)
    return body.profile if body is not None else NEUTRAL


def _joined_on_text() -> str:
    return profile_for().joined_on_text


JOINED_ON_LABEL = cast(Promise, lazy(_joined_on_text, str)())
"""The label of a person's "joined on" date in the body's words (form fields, import and
export headers, pages), read when shown."""
