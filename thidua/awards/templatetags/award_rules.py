"""How a title's rule counts its quota and its ballot threshold, for the candidate list and the
council session page: `{% statements_of title year members as statements %}`."""

from __future__ import annotations

from django import template

from thidua.awards.catalogue import Statement, rule_for, rule_statements
from thidua.awards.models import Title, TitleRule

register = template.Library()


@register.simple_tag
def statements_of(
    title: Title | None, year: int, members: int | None = None, rule: TitleRule | None = None
) -> list[Statement]:
    """The statements of `rule`, or of the title's rule for `year`."""
    if rule is None and title is not None:
        rule = rule_for(title, year)
    return rule_statements(rule, members)
