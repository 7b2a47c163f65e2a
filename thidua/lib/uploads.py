"""Taking files in and giving them back safely.

In: `guard_upload(limit)` installs a size guard before the request body is parsed, so an
oversized upload is neither held in memory nor written to disk (CSRF is still checked, once the
guard is in place); the view asks `upload_too_large(request)` before touching the form and
answers with `too_large_message(limit)`, writing nothing.
Out: `file_download` serves a stored file as an attachment under the extension and
Content-Type of what it was detected to be (thidua.lib.filetypes), never as the browser guesses.

No Django model is imported here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from thidua.lib.filetypes import BY_CONTENT_TYPE, Kind, RefusedFile, detect, download_name
from thidua.lib.numbers import format_vn_number

FORM_OVERHEAD = 64 * 1024
"""What a request may carry besides the file (boundaries, the other fields of the form)."""

View = TypeVar("View", bound=Callable[..., HttpResponse])


class SizeLimitHandler(FileUploadHandler):
    """Stops keeping an uploaded file once it passes the limit, so a huge file is neither
    held in memory nor written to disk; a body whose declared length is already too large has
    every file skipped from the first byte. The page then says the file was too large."""

    def __init__(self, request: HttpRequest | None, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.exceeded = False

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],  # noqa: N803 (Django's signature)
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        if content_length > self.limit + FORM_OVERHEAD:
            self.exceeded = True

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        if self.exceeded:
            raise SkipFile

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.exceeded = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def guard_upload(limit: int | Callable[[], int]) -> Callable[[View], View]:
    """Decorate a view that takes a file: the size guard (`limit` bytes, or a function giving
    them, read per request) is installed before the body is parsed; CSRF is then checked as
    usual. Put it below @login_required so that nobody's body is parsed before the login."""

    def decorate(view: View) -> View:
        protected = csrf_protect(view)

        @functools.wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            bytes_ = limit() if callable(limit) else limit
            request.upload_handlers = [SizeLimitHandler(request, bytes_), *request.upload_handlers]
            return protected(request, *args, **kwargs)

        return csrf_exempt(guarded)  # type: ignore[return-value]

    return decorate


def upload_too_large(request: HttpRequest) -> bool:
    """Whether the size guard skipped a file of this request (parses the body if needed)."""
    request.FILES  # noqa: B018 (parsing the body runs the guard)
    return any(
        isinstance(handler, SizeLimitHandler) and handler.exceeded
        for handler in request.upload_handlers
    )


def too_large_message(limit: int) -> str:
    """The message shown for a file over `limit` bytes."""
    megabytes = limit / (1024 * 1024)
    shown = format_vn_number(megabytes, 0 if megabytes >= 1 else 3)
    return _("The file is larger than %(mb)s MB.") % {"mb": shown}


def stored_kind(file: FieldFile, content_type: str = "", *, limit: int) -> Kind | None:
    """The kind of a stored file: the one detected at upload (`content_type`), or, for a file
    stored without it, detected again from its first `limit` bytes (None: refused today)."""
    kind = BY_CONTENT_TYPE.get(content_type)
    if kind is not None:
        return kind
    with file.open("rb") as handle:
        data = handle.read(limit + 1)
    try:
        return detect(data) if len(data) <= limit else None
    except RefusedFile:
        return None


def file_download(file: FieldFile, name: str, kind: Kind | None) -> FileResponse:
    """A stored upload as an attachment named with the detected extension and served with the
    detected Content-Type (`application/octet-stream` and `.bin` for an unknown kind), which
    the browser must not second-guess (nosniff)."""
    response = FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=download_name(name, kind),
        content_type=kind.content_type if kind else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
