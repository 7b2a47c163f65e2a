"""Shared declarations of the JSON API (/api/v1/): bounded parameter types and the error body.

Every parameter is bounded where it is declared, so out-of-range input is a 422 from the
validation layer before any query runs (an id past 64 bits, a year 0, a negative offset, a
NUL character PostgreSQL cannot store). Every operation documents the errors it answers."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Path, Query, Schema

MAX_ID = 2**63 - 1
"""The largest id either database stores (a signed 64-bit integer)."""
MIN_YEAR, MAX_YEAR = 2000, 2100
"""Years the product speaks about: the movement's programmes, reports and awards."""
MAX_OFFSET = 10_000_000
NO_NUL = r"^[^\x00]*$"
"""PostgreSQL refuses the NUL character in text; SQLite would store it."""
DATE_TEXT = r"^([0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{4}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})$"
"""dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy) or ISO yyyy-mm-dd, in ASCII digits."""

PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
QueryId = Annotated[int, Query(ge=1, le=MAX_ID)]
PathYear = Annotated[int, Path(ge=MIN_YEAR, le=MAX_YEAR)]
QueryYear = Annotated[int, Query(ge=MIN_YEAR, le=MAX_YEAR)]
QueryDate = Annotated[str, Query(max_length=10, pattern=DATE_TEXT)]
QueryCode = Annotated[str, Query(min_length=1, max_length=40, pattern=NO_NUL)]
QueryText = Annotated[str, Query(max_length=200, pattern=NO_NUL)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
PageSize = Annotated[int, Query(ge=1, le=1000)]
"""At least one row, at most 1,000 (a list operation may take fewer)."""

# The same bounds for fields of a JSON body.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]
Version = Annotated[int, Field(ge=0, le=MAX_ID)]
Code = Annotated[str, Field(max_length=40, pattern=NO_NUL)]
ShortText = Annotated[str, Field(max_length=500, pattern=NO_NUL)]
LongText = Annotated[str, Field(max_length=10_000, pattern=NO_NUL)]


class ErrorOut(Schema):
    """A refusal: the message in Vietnamese and English, or the validation errors by field."""

    detail: str | list[dict[str, Any]]


def answers(ok: Any, *errors: int, status: int = 200) -> dict[int, Any]:
    """The documented responses of an operation: its success and the errors it can answer.
    401 is on every operation (a token or a session is needed); 422 on every operation that
    takes input."""
    return {status: ok, 401: ErrorOut, **dict.fromkeys(errors, ErrorOut)}
