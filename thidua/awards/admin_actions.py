"""The administrator's reference data of awards (issue 15, point 5): standing councils and the
terms of their members, titles and the dated versions of their rules. Each change is atomic,
validated (ValidationError with a message for the user) and one audit event. History is never
deleted: a member's term is ended, a rule version is closed by the next one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from thidua.audit.chain import record
from thidua.lib.dates import OPEN_END, format_vn_date
from thidua.lib.text import fold, nfc
from thidua.org import tree
from thidua.org.models import OrgUnit, Person, Position

from .models import Council, CouncilMember, Title, TitleRule

# The values of a rule version the administrator edits (the rest stays as loaded).
RULE_FIELDS = (
    "legal_basis",
    "confidence",
    "vote_threshold",
    "cash_multiple",
    "share_threshold",
    "share_comparator",
    "quota_share",
    "quota_minimum",
    "consultation_working_days",
    "note",
)
SHARES = ("vote_threshold", "share_threshold", "quota_share")


def body_root_id(unit_id: int, day: dt.date) -> int:
    """The root above the unit on `day` (the unit itself when it is a root or not open)."""
    above = tree.ancestor_ids(unit_id, day)
    return above[0] if above else unit_id


def _in_body_of(person: Person, unit: OrgUnit, day: dt.date) -> bool:
    """The person holds, on `day` or later, a position under the same root as `unit`."""
    units = set(tree.subtree_ids(body_root_id(unit.pk, day), day))
    return Position.objects.filter(person=person, unit_id__in=units, valid_to__gt=day).exists()


# Councils and their members


@transaction.atomic
def create_council(unit: OrgUnit, *, name: str, by: Any) -> Council:
    name = nfc(name)
    if not name:
        raise ValidationError(_("A council needs a name."))
    if Council.objects.filter(unit=unit, name__iexact=name).exists():
        raise ValidationError(
            _("%(unit)s already has a council named “%(name)s”.")
            % {"unit": unit.name, "name": name}
        )
    council = Council.objects.create(unit=unit, name=name)
    record(
        "awards.council.create",
        by=by,
        object_type="awards.council",
        object_id=council.pk,
        after={"unit": unit.pk, "name": name},
    )
    return council


def _member_values(member: CouncilMember) -> dict[str, Any]:
    return {
        "user": member.user_id,
        "person": member.person_id,
        "role": member.role,
        "from": member.valid_from.isoformat(),
        "to": member.valid_to.isoformat(),
    }


@transaction.atomic
def add_member(
    council: Council, *, person: Person, role: str, valid_from: dt.date, by: Any
) -> CouncilMember:
    council = Council.objects.select_for_update().select_related("unit").get(pk=council.pk)
    if role not in CouncilMember.Role.values:
        raise ValidationError(_("Choose a role in the council."))
    if not _in_body_of(person, council.unit, valid_from):
        raise ValidationError(
            _(
                "%(name)s holds no position in this body on %(day)s; "
                "a member must be one of its staff."
            )
            % {"name": person.full_name, "day": format_vn_date(valid_from)}
        )
    user = getattr(person, "user", None)
    if user is None:
        raise ValidationError(
            _("%(name)s has no user account; create one in Users and roles first.")
            % {"name": person.full_name}
        )
    open_terms = council.members.filter(valid_to__gt=valid_from)
    if open_terms.filter(Q(user=user) | Q(person=person)).exists():
        raise ValidationError(
            _("%(name)s already sits on this council on or after %(day)s; end that term first.")
            % {"name": person.full_name, "day": format_vn_date(valid_from)}
        )
    if role == CouncilMember.Role.CHAIR and open_terms.filter(role=role).exists():
        raise ValidationError(
            _("The council already has a chair on or after %(day)s; end that term first.")
            % {"day": format_vn_date(valid_from)}
        )
    member = CouncilMember.objects.create(
        council=council, user=user, person=person, role=role, valid_from=valid_from
    )
    record(
        "awards.council.member.add",
        by=by,
        object_type="awards.council",
        object_id=council.pk,
        after=_member_values(member),
    )
    return member


@transaction.atomic
def end_member(member: CouncilMember, *, day: dt.date, by: Any) -> CouncilMember:
    """The term ends on `day` (the member no longer sits from that day); kept as history."""
    member = CouncilMember.objects.select_for_update().get(pk=member.pk)
    if member.valid_to != OPEN_END:
        raise ValidationError(
            _("This term already ended on %(day)s.") % {"day": format_vn_date(member.valid_to)}
        )
    if day <= member.valid_from:
        raise ValidationError(
            _("The term began on %(day)s; it can only end after that day.")
            % {"day": format_vn_date(member.valid_from)}
        )
    before = _member_values(member)
    member.valid_to = day
    member.save(update_fields=["valid_to"])
    record(
        "awards.council.member.end",
        by=by,
        object_type="awards.council",
        object_id=member.council_id,
        before=before,
        after=_member_values(member),
    )
    return member


# Titles and their rule versions


def _title_code(name: str) -> str:
    base = (slugify(fold(name)).replace("-", "_").upper() or "TITLE")[:34]
    code, n = base, 1
    while Title.objects.filter(code=code).exists():
        n += 1
        code = f"{base}_{n}"
    return code


@transaction.atomic
def create_title(
    *,
    name: str,
    name_en: str,
    short_name: str,
    subject: str,
    kind: str,
    yearly: bool,
    sort_order: int,
    by: Any,
) -> Title:
    name = nfc(name)
    if not name:
        raise ValidationError(_("A title needs a name."))
    if Title.objects.filter(name__iexact=name).exists():
        raise ValidationError(_("A title named “%(name)s” already exists.") % {"name": name})
    title = Title.objects.create(
        code=_title_code(name),
        name=name,
        name_en=nfc(name_en),
        short_name=nfc(short_name),
        subject=subject,
        kind=kind,
        yearly=yearly,
        sort_order=sort_order,
    )
    record(
        "awards.title.create",
        by=by,
        object_type="awards.title",
        object_id=title.pk,
        after={"code": title.code, "name": name, "subject": subject, "kind": kind},
    )
    return title


def _rule_values(rule: TitleRule) -> dict[str, Any]:
    values = {name: getattr(rule, name) for name in RULE_FIELDS}
    values["valid_from"] = rule.valid_from.isoformat()
    values["valid_to"] = rule.valid_to.isoformat()
    return values


def _check_rule(values: Mapping[str, Any]) -> dict[str, Any]:
    clean = {name: values.get(name) for name in RULE_FIELDS}
    clean["legal_basis"] = nfc(str(clean["legal_basis"] or ""))
    clean["note"] = nfc(str(clean["note"] or ""))
    if not clean["legal_basis"]:
        raise ValidationError(_("A rule needs its legal basis (the document and article)."))
    for name in SHARES:
        share = clean[name]
        if share is not None and not Decimal(0) < share <= Decimal(1):
            raise ValidationError(_("A share is more than 0% and at most 100%."))
    cash = clean["cash_multiple"]
    if cash is None:
        clean["cash_multiple"] = Decimal(0)
    elif not Decimal(0) <= cash < Decimal(10000):
        raise ValidationError(_("The cash multiple is from 0 to 9.999,99."))
    if clean["consultation_working_days"] is None:
        clean["consultation_working_days"] = 0
    return clean


@transaction.atomic
def update_rule(rule: TitleRule, values: Mapping[str, Any], *, by: Any) -> TitleRule:
    rule = TitleRule.objects.select_for_update().get(pk=rule.pk)
    clean = _check_rule(values)
    before = _rule_values(rule)
    for name, value in clean.items():
        setattr(rule, name, value)
    if _rule_values(rule) != before:
        rule.save(update_fields=list(RULE_FIELDS))
        record(
            "awards.title.rule.update",
            by=by,
            object_type="awards.titlerule",
            object_id=rule.pk,
            before=before,
            after=_rule_values(rule),
        )
    return rule


@transaction.atomic
def add_rule_version(
    title: Title, *, valid_from: dt.date, values: Mapping[str, Any], by: Any
) -> TitleRule:
    """A new version from `valid_from`: the version in force that day is closed at it, and the
    new one runs until the next version begins (or without end)."""
    title = Title.objects.select_for_update().get(pk=title.pk)
    clean = _check_rule(values)
    rules = title.rules.all()
    if rules.filter(valid_from=valid_from).exists():
        raise ValidationError(
            _("A version of this rule already begins on %(day)s; edit it instead.")
            % {"day": format_vn_date(valid_from)}
        )
    current = rules.filter(valid_from__lt=valid_from, valid_to__gt=valid_from).first()
    later = rules.filter(valid_from__gt=valid_from).order_by("valid_from").first()
    end = later.valid_from if later is not None else OPEN_END
    if current is not None:
        before = _rule_values(current)
        end = min(end, current.valid_to)
        current.valid_to = valid_from
        current.save(update_fields=["valid_to"])
        record(
            "awards.title.rule.close",
            by=by,
            object_type="awards.titlerule",
            object_id=current.pk,
            before=before,
            after=_rule_values(current),
        )
    base = (
        {}
        if current is None
        else {
            "vote_body": current.vote_body,
            "cash_is_maximum": current.cash_is_maximum,
            "service_months_min": current.service_months_min,
            "warn_share": current.warn_share,
            "chain_years": current.chain_years,
            "params": current.params,
            "note_en": current.note_en,
        }
    )
    rule = TitleRule.objects.create(
        title=title, valid_from=valid_from, valid_to=end, **base, **clean
    )
    record(
        "awards.title.rule.create",
        by=by,
        object_type="awards.titlerule",
        object_id=rule.pk,
        after=_rule_values(rule),
    )
    return rule
