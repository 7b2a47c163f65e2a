"""Every page and API endpoint of thidua is annotated with the typed request of
thidua/accounts/requests.py, so that mypy checks `request.user` and `request.htmx`."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from thidua.api import api
from thidua.awards.api import router as awards_router
from thidua.council.api import router as council_router
from thidua.evaluation.api import router as evaluation_router
from thidua.reporting.api import router as reporting_router

# Pages open to anonymous users that read neither `request.user` nor `request.htmx` (one that
# reads `request.htmx` is annotated `HtmxHttpRequest` and listed here).
PLAIN = (
    {"thidua.accounts.views.login_view", "thidua.packs.views.setup_page"}
    | {
        # The public portal (thidua/disclosures/views.py): anonymous readers only.
        f"thidua.disclosures.views.{name}"
        for name in ("index", "figures", "rankings", "decisions", "item", "item_pdf", "verify")
    }
    | {
        # Public consultation (thidua/disclosures/views_consultation.py): the list and the form.
        f"thidua.disclosures.views_consultation.{name}"
        for name in ("consultations", "comment")
    }
    | {
        # Anonymous waste reports (thidua/oversight/views_public.py): no login by design.
        f"thidua.oversight.views_public.{name}"
        for name in ("report_form", "status", "counts")
    }
)
# The portal's signature checker and an award's public page (disclosures/views_signature.py).
PLAIN |= {f"thidua.disclosures.views_signature.{name}" for name in ("signature", "award")}


def _pages(patterns: list[Any]) -> Iterator[Callable[..., Any]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _pages(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            yield inspect.unwrap(entry.callback)


def _endpoints() -> Iterator[Callable[..., Any]]:
    apps = [awards_router, council_router, evaluation_router, reporting_router]
    for router in [api.default_router, *apps]:
        for path_view in router.path_operations.values():
            yield from (operation.view_func for operation in path_view.operations)


def _untyped(views: Iterator[Callable[..., Any]]) -> tuple[int, list[str]]:
    seen, untyped = 0, []
    for view in views:
        name = f"{getattr(view, '__module__', '')}.{getattr(view, '__qualname__', '')}"
        if not name.startswith("thidua.") or name in PLAIN:
            continue  # Django's and django-ninja's own views (login, admin, i18n, OpenAPI)
        seen += 1
        if inspect.signature(view).parameters["request"].annotation != "AuthedHttpRequest":
            untyped.append(name)
    return seen, untyped


def test_it_annotates_every_page_with_the_typed_request() -> None:
    seen, untyped = _untyped(_pages(get_resolver().url_patterns))
    assert seen > 80
    assert untyped == []


def test_it_annotates_every_api_endpoint_with_the_typed_request() -> None:
    seen, untyped = _untyped(_endpoints())
    assert seen > 30
    assert untyped == []
