"""Taking files in safely: the size guard installed before a request body is parsed.

No Django model is imported here.
"""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest


class SizeLimitHandler(FileUploadHandler):
    """Stops keeping an uploaded file once it passes the upload limit, so a huge file is
    neither held in memory nor written to disk; the page then says it was too large."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.exceeded = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
