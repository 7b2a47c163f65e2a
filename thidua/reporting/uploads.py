"""Uploads of filled templates: one workbook or a zip of many, imported file by file
(importing.import_file) by a background job whose progress the page shows.

A job writes its heartbeat (updated_at) before and after each file, and lists every file of
the upload from the start, those not reached as waiting. A worker stopped in the middle
(kill -9, a restart: huey does not run the task again) leaves the job running; when a worker
starts, every minute, and whenever its owner opens an import page, a job without heartbeat
for STALLED_AFTER is closed as failed, its stored upload deleted, and its page lists the files
that were imported whole and those to send again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import logging
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from thidua.lib.spreadsheets import SpreadsheetError, too_large_message, upload_limit
from thidua.lib.text import nfc

from .importing import FileResult, import_file
from .models import ImportJob, Report

log = logging.getLogger(__name__)

MAX_FILES_IN_ZIP = 1000
MAX_ZIP_UNPACKED = 1024 * 1024 * 1024
STALLED_AFTER = dt.timedelta(minutes=3)
"""A running job whose heartbeat (updated_at, written before and after each file) is older
than this was stopped with its worker."""


def is_zip_upload(name: str) -> bool:
    return name.lower().endswith(".zip")


def open_zip(data: bytes) -> zipfile.ZipFile:
    """A zip upload, opened once for all its members."""
    if len(data) > upload_limit():
        raise SpreadsheetError(too_large_message())
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise SpreadsheetError(_("The .zip file is damaged and cannot be opened.")) from exc


def zip_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The files of a zip upload, checked for number and size before any is unpacked."""
    members = [m for m in archive.infolist() if not m.is_dir() and not _is_clutter(m.filename)]
    if len(members) > MAX_FILES_IN_ZIP:
        raise SpreadsheetError(
            _("The .zip file holds more than %(n)s files. Split it.") % {"n": MAX_FILES_IN_ZIP}
        )
    if sum(m.file_size for m in members) > MAX_ZIP_UNPACKED:
        raise SpreadsheetError(
            _("The .zip file unpacks to an abnormal size and was refused as unsafe.")
        )
    if not members:
        raise SpreadsheetError(_("The .zip file holds no spreadsheet."))
    return sorted(members, key=lambda m: m.filename)


def _is_clutter(filename: str) -> bool:
    base = filename.rsplit("/", 1)[-1]
    return (
        filename.startswith("__MACOSX/")
        or base.startswith(("._", "~$"))
        or base in {".DS_Store", "Thumbs.db"}
    )


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author typed it: zips made on Windows store names in the
    OEM code page without saying so; most of ours are UTF-8."""
    name = info.filename
    if not info.flag_bits & 0x800:
        with contextlib.suppress(UnicodeError):
            name = name.encode("cp437").decode("utf-8")
    return nfc(name)


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, never more than the upload limit whatever its header claims."""
    limit = upload_limit()
    if info.file_size > limit:
        raise SpreadsheetError(too_large_message())
    try:
        with archive.open(info) as member:
            content: bytes = member.read(limit + 1)
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError) as exc:
        raise SpreadsheetError(_("The .zip file is damaged and cannot be opened.")) from exc
    if len(content) > limit:
        raise SpreadsheetError(too_large_message())
    return content


Files = list[tuple[str, Callable[[], bytes]]]


@contextlib.contextmanager
def upload_files(name: str, data: bytes) -> Iterator[Files]:
    """(name, reader) for each file of an upload: the file itself, or each zip member."""
    if not is_zip_upload(name):
        yield [(name, lambda: data)]
        return
    with open_zip(data) as archive:
        members = zip_members(archive)
        yield [(member_name(i), functools.partial(read_member, archive, i)) for i in members]


def import_upload(
    name: str,
    data: bytes,
    *,
    by: Any,
    report: Report | None = None,
    progress: Callable[[list[str], list[FileResult]], None] | None = None,
) -> list[FileResult]:
    """Import an upload file by file, each in its own transaction. `progress(names, results)`
    is called once the files are listed, before each file (a heartbeat) and after it."""
    results: list[FileResult] = []
    with upload_files(name, data) as files:
        names = [member for member, _read in files]
        for member, read in files:
            if progress:
                progress(names, results)
            results.append(_import_member(member, read, by=by, report=report))
        if progress:
            progress(names, results)
    return results


def _import_member(
    name: str, read: Callable[[], bytes], *, by: Any, report: Report | None
) -> FileResult:
    if is_zip_upload(name):
        return FileResult(name, errors=[_("A .zip inside the .zip is not accepted.")])
    try:
        return import_file(name, read(), by=by, report=report)
    except SpreadsheetError as exc:
        return FileResult(name, errors=[str(exc)])


def create_job(upload: UploadedFile, *, by: Any, report: Report | None, language: str) -> ImportJob:
    """Store an upload and its job, waiting for the worker (tasks.run_import_job)."""
    name = nfc((upload.name or "upload").rsplit("/", 1)[-1])[-200:]
    job = ImportJob(
        created_by=by,
        report=report,
        original_name=name,
        size=upload.size or 0,
        language=language or "vi",
    )
    job.file.save(name, upload, save=False)
    job.save()
    return job


def run_job(job_id: int) -> None:
    """Run one ImportJob (from the background worker): progress and results are saved after
    each file, in the uploader's language. A stop in the middle leaves every file either
    imported whole or not at all."""
    job = ImportJob.objects.select_related("created_by", "report").get(pk=job_id)
    if job.is_finished:
        return
    with translation.override(job.language):
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.RUNNING, updated_at=timezone.now()
        )
        try:
            results = _run(job)
        except Exception:
            log.exception("Import job %s failed", job.pk)
            _finish(job, ImportJob.Status.FAILED, None)
            raise
        _finish(job, ImportJob.Status.DONE, results)


def _run(job: ImportJob) -> list[dict[str, Any]]:
    with job.file.open("rb") as stored:
        data = stored.read(upload_limit() + 1)

    def progress(names: list[str], results: list[FileResult]) -> None:
        waiting = [pending(n) for n in names[len(results) :]]
        ImportJob.objects.filter(pk=job.pk).update(
            total_files=len(names),
            done_files=len(results),
            results=[r.as_json() for r in results] + waiting,
            updated_at=timezone.now(),
        )

    try:
        results = import_upload(
            job.original_name, data, by=job.created_by, report=job.report, progress=progress
        )
    except SpreadsheetError as exc:
        results = [FileResult(job.original_name, errors=[str(exc)])]
        progress([job.original_name], results)
    return [r.as_json() for r in results]


def pending(name: str) -> dict[str, Any]:
    """A file of the upload not imported yet (nor written at all)."""
    return FileResult(name).as_json() | {"pending": True}


def fail_stalled_jobs(now: dt.datetime, *, by: Any = None) -> int:
    """Close the jobs whose worker was stopped (kill -9, a restart): running, with no
    heartbeat for STALLED_AFTER. Each is marked failed with the files it had not imported
    still listed as waiting, so its page says which to send again; its stored upload is
    deleted. Called when the worker starts, every minute by it, and by the import pages
    (for `by`'s jobs) in case no worker runs. Returns how many were closed."""
    stalled = ImportJob.objects.filter(
        status=ImportJob.Status.RUNNING, updated_at__lt=now - STALLED_AFTER
    )
    if by is not None:
        stalled = stalled.filter(created_by_id=by.pk)
    closed = 0
    for job in stalled:
        # Conditional: a worker that was only slow and writes again keeps its job.
        if ImportJob.objects.filter(pk=job.pk, updated_at=job.updated_at).update(
            status=ImportJob.Status.FAILED, finished_at=now
        ):
            closed += 1
            log.warning("Import job %s stalled (worker stopped); marked failed", job.pk)
            if job.file:
                default_storage.delete(job.file.name)
    return closed


def _finish(job: ImportJob, status: str, results: list[dict[str, Any]] | None) -> None:
    fields: dict[str, Any] = {"status": status, "finished_at": timezone.now()}
    if results is not None:
        fields |= {"results": results, "total_files": len(results), "done_files": len(results)}
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    if job.file:
        default_storage.delete(job.file.name)


def summary(results: list[dict[str, Any]]) -> dict[str, int]:
    """Counts for the page: files imported, refused, not reached, figures changed."""
    return {
        "imported": sum(1 for r in results if r["ok"]),
        "refused": sum(1 for r in results if not r["ok"] and not r.get("pending")),
        "pending": sum(1 for r in results if r.get("pending")),
        "changed": sum(r["changed"] for r in results),
    }
