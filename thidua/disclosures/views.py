"""The public portal (issue 12 §3): no login, published content only, cacheable. Vietnamese
by default; `?lang=en` gives English (a query parameter, not a cookie, so caches keep one copy
per language). Pages set no cookie and hold no CSRF token."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import http_date, parse_http_date_safe
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_safe

from thidua.lib.documents import render_pdf
from thidua.movements.models import Movement

from . import log, presenting, sources
from .keys import public_key_bytes
from .models import LogLeaf, Publication

MAX_AGE = 60
SIZE_KEY, SIZE_SECONDS = "public-log-size", 5
View = Callable[..., HttpResponse]


def public(view: View) -> View:
    """GET/HEAD only, in the language of `?lang=`, cached (server and clients) for a minute."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = request.GET.get("lang", "")
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = view(request, *args, **kwargs)
        response.headers["Content-Language"] = language
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        patch_vary_headers(response, ["Accept-Encoding"])
        _validators(response)
        return response

    @functools.wraps(view)
    def cached(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The log's size is in the key: a publication or a withdrawal shows within seconds.
        prefix = f"public-{log_version()}"
        response = cache_page(MAX_AGE, key_prefix=prefix)(wrapper)(request, *args, **kwargs)
        if response.status_code != 200 or not response.has_header("ETag"):
            return response
        conditional = get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
            response=response,
        )
        return response if conditional is None else conditional

    return require_safe(cached)


def _validators(response: HttpResponse) -> None:
    """An ETag of the body and, as Last-Modified, the moment of the log's latest signed head
    (nothing on the portal changes but by an entry of the log): computed once per cached
    page, so a reader's revalidation costs a cache read and a 304."""
    if response.status_code != 200 or response.streaming:
        return
    set_response_etag(response)
    head = log.latest_head()
    if head is not None and not response.has_header("Last-Modified"):
        response["Last-Modified"] = http_date(head.timestamp // 1000)


def log_version() -> int:
    """The log's size, read from the database at most every few seconds per process
    (publishing forgets it at once in its own process: actions.py)."""
    size = cache.get(SIZE_KEY)
    if size is None:
        size = log.size()
        cache.set(SIZE_KEY, size, SIZE_SECONDS)
    return int(size)


def _visible() -> Any:
    return Publication.objects.select_related("leaf")


@public
def index(request: HttpRequest) -> HttpResponse:
    movements = Movement.objects.prefetch_related("phases").order_by("start_year", "pk")
    latest = _visible()[:10]
    return render(
        request,
        "disclosures/index.html",
        {
            "movements": movements,
            "latest": latest,
            "head": log.latest_head(),
            "public_key": public_key_bytes().hex(),
        },
    )


@public
def figures(request: HttpRequest) -> HttpResponse:
    items = _visible().filter(kind=Publication.Kind.FIGURES).order_by("-year", "title")
    by_year: dict[int, list[Publication]] = defaultdict(list)
    for item in items:
        by_year[item.year or 0].append(item)
    return render(request, "disclosures/figures.html", {"by_year": dict(by_year)})


@public
def rankings(request: HttpRequest) -> HttpResponse:
    items = _visible().filter(kind=Publication.Kind.RANKING).order_by("-year")
    return render(request, "disclosures/rankings.html", {"items": items})


@public
def decisions(request: HttpRequest) -> HttpResponse:
    items = _visible().filter(kind=Publication.Kind.DECISION).order_by("-year", "-published_at")
    return render(request, "disclosures/decisions.html", {"items": items})


def _publication(index: int) -> Publication:
    publication: Publication = get_object_or_404(_visible(), leaf_id=index)
    return publication


@public
def item(request: HttpRequest, index: int) -> HttpResponse:
    publication = _publication(index)
    content = presenting.content_of(publication)
    context: dict[str, Any] = {"item": publication, "content": content}
    if publication.kind == Publication.Kind.FIGURES:
        context["rows"] = presenting.figure_rows(content)
        context["bar_width"] = presenting.BAR_WIDTH
    elif publication.kind == Publication.Kind.RANKING:
        context["rows"] = presenting.ranking_rows(content)
    elif publication.kind in DOCUMENT_KINDS:
        context["document"] = sources.document_from_content(content["document"])
    else:
        from .portal_more import item_context  # the kinds added for issue 12's second part

        context.update(item_context(publication, content))
    return render(request, "disclosures/item.html", context)


DOCUMENT_KINDS = (
    Publication.Kind.DECISION,
    Publication.Kind.PROGRAMME,
    Publication.Kind.ANNUAL_REPORT,
)


@public
def item_pdf(request: HttpRequest, index: int) -> HttpResponse:
    publication = _publication(index)
    if publication.kind == Publication.Kind.REVIEW:
        from .views_more import review_pdf

        return review_pdf(publication)
    if publication.kind not in DOCUMENT_KINDS:
        raise Http404
    document = sources.document_from_content(presenting.content_of(publication)["document"])
    # The decision as signed at issue when it was signed (views_signature), else rendered.
    from .views_signature import signed_decision_pdf  # it imports this module

    signed = signed_decision_pdf(publication.subject)
    data = signed if signed is not None else render_pdf(document)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.filename_stem}.pdf"'
    return response


@public
def verify(request: HttpRequest, index: int) -> HttpResponse:
    if not LogLeaf.objects.filter(index=index).exists():
        raise Http404
    publication = Publication.objects.filter(leaf_id=index).first()
    return render(
        request,
        "disclosures/verify.html",
        {"index": index, "item": publication, "public_key": public_key_bytes().hex()},
    )
