"""{% setup_open as open %}: whether the set-up page is open (nothing set up yet), for the
login page's link."""

from __future__ import annotations

from django import template

from thidua.packs.setup import is_set_up

register = template.Library()


@register.simple_tag
def setup_open() -> bool:
    return not is_set_up()
