"""The portal's kinds beyond figures, rankings and decisions (issue 12, second part): what
the item page and the publishing page add for them."""

from __future__ import annotations

from typing import Any

from thidua.accounts.requests import AuthedHttpRequest

from . import views_consultation, views_more
from .models import Publication


def item_context(publication: Publication, content: dict[str, Any]) -> dict[str, Any]:
    if publication.kind == Publication.Kind.CONSULTATION:
        return views_consultation.item_context(publication, content)
    if publication.kind == Publication.Kind.OVERSIGHT:
        return views_more.oversight_context(content)
    if publication.kind == Publication.Kind.PLAN:
        return views_more.plan_context(content)
    if publication.kind == Publication.Kind.REVIEW:
        return views_more.review_context(content)
    return {}


def manage_context(request: AuthedHttpRequest) -> dict[str, Any]:
    return {**views_consultation.manage_context(request), **views_more.manage_context(request)}
