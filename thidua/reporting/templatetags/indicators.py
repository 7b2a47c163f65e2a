"""Indicators by name on user pages: ``{% formula_words indicator.formula %}`` reads a formula
with indicator names ("Dự toán … − Quyết toán … ÷ …"), ``{% indicator_name code %}`` names one
code. The names are read once per rendering, in the active language."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from thidua.audit.models import AuditEvent
from thidua.reporting.expressions import formula_in_words
from thidua.reporting.models import Indicator, Report

register = template.Library()


def _names(context: template.Context) -> dict[str, str]:
    key = f"indicator-names-{get_language()}"
    cache = context.render_context
    if key not in cache:
        cache[key] = {
            code: (name_en if get_language() == "en" and name_en else name)
            for code, name, name_en in Indicator.objects.values_list("code", "name", "name_en")
        }
    names: dict[str, str] = cache[key]
    return names


@register.simple_tag(takes_context=True)
def formula_words(context: template.Context, formula: str) -> str:
    return formula_in_words(formula, _names(context)) if formula else ""


@register.simple_tag(takes_context=True)
def indicator_name(context: template.Context, code: str) -> str:
    return _names(context).get(code) or code


_EVENTS = {
    "reporting.report.open": _("opened the report"),
    "reporting.value.set": _("changed a figure"),
    "reporting.narrative.set": _("changed the narrative"),
    "reporting.attachment.add": _("attached evidence"),
    "demo.report.load": _("loaded as demo data"),
}


@register.simple_tag
def event_label(event: AuditEvent) -> str:
    """What an audit event of a report did, in words (its action code stays in the API)."""
    if event.action in _EVENTS:
        return str(_EVENTS[event.action])
    status = event.action.removeprefix("reporting.report.")
    if status in Report.Status.values:
        label = Report.Status(status).label
        return str(_("status changed to “%(status)s”") % {"status": label})
    return str(_("other change"))
