# Placeholder replaced by the import/export work in progress.
from django.http import HttpRequest, HttpResponse


def io_page(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


def export_units(request: HttpRequest, fmt: str) -> HttpResponse:
    raise NotImplementedError


def export_people(request: HttpRequest, fmt: str) -> HttpResponse:
    raise NotImplementedError
