"""Nominees under public consultation (Decree 98/2023 Art. 46, Decree 152/2025 Art. 60(3)):
the published list, and the comment form's safeguards that work offline — an arithmetic
question signed with an HMAC and a timestamp, a honeypot field, length limits, and a rate
limit per source kept in this process's memory under a keyed hash (no address is stored).
Comments are the council's (`thidua.council.consultation.add_comment`)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from thidua.council import consultation as council_consultation
from thidua.council.models import AgendaItem, CouncilSession

from .models import Publication
from .sources import SCHEMA, Draft

SUMMARY_MAX = 1500
CHALLENGE_MAX_AGE = 2 * 3600  # seconds a form stays answerable
RATE_LIMIT, RATE_WINDOW = 5, 600  # comments per source per window (seconds)
NUMBER_WORDS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười"]


def _summary(item: AgendaItem) -> str:
    narrative = (item.proposal.report or {}).get("narrative") or {}
    text = " ".join(str(narrative.get("results") or "").split())
    if len(text) > SUMMARY_MAX:
        text = text[: SUMMARY_MAX - 1].rstrip() + "…"
    return text


def subject_of(session: CouncilSession) -> str:
    return f"consultation/{session.council.unit.code}/{session.date:%Y-%m-%d}/{session.pk}"


def draft(session: CouncilSession) -> Draft | None:
    """The nominees of a closed session whose titles need a public consultation: name, unit,
    title proposed, summary of achievements, and the period (nothing else of the person)."""
    if session.status != CouncilSession.Status.CLOSED:
        return None
    items = list(council_consultation.consulted_items(session))
    if not items:
        return None
    nominees: list[dict[str, Any]] = []
    for number, item in enumerate(items, start=1):
        proposal = item.proposal
        person = proposal.person
        nominees.append(
            {
                "number": number,
                "name": person.full_name if person else str(proposal.nominee),
                "unit": proposal.proposing_unit.name if person else "",
                "title": proposal.title.name,
                "year": proposal.year,
                "summary": _summary(item),
                "opens_on": council_consultation.opens_on(item).isoformat(),
                "closes_on": f"{item.consultation_ends_on:%Y-%m-%d}",
            }
        )
    return Draft(
        Publication.Kind.CONSULTATION,
        subject_of(session),
        _("Public consultation on nominees: %(council)s, session of %(date)s")
        % {"council": session.council.name, "date": f"{session.date:%d/%m/%Y}"},
        session.date.year,
        {
            "schema": SCHEMA,
            "kind": "consultation",
            "council": session.council.name,
            "session_date": session.date.isoformat(),
            "opens_on": min(str(n["opens_on"]) for n in nominees),
            "closes_on": max(str(n["closes_on"]) for n in nominees),
            "nominees": nominees,
        },
    )


def session_of(publication: Publication) -> CouncilSession | None:
    parts = publication.subject.split("/")
    if publication.kind != Publication.Kind.CONSULTATION or len(parts) != 4:
        return None
    try:
        return CouncilSession.objects.filter(pk=int(parts[3])).first()
    except ValueError:
        return None


def item_for(publication: Publication, number: int, name: str) -> AgendaItem | None:
    """The agenda item of the published nominee `number` (checked against its name)."""
    session = session_of(publication)
    if session is None:
        return None
    items = list(council_consultation.consulted_items(session))
    if not 1 <= number <= len(items):
        return None
    item = items[number - 1]
    proposal = item.proposal
    shown = proposal.person.full_name if proposal.person else str(proposal.nominee)
    return item if shown == name else None


@dataclass(frozen=True)
class Period:
    opens_on: dt.date
    closes_on: dt.date

    def is_open(self, day: dt.date) -> bool:
        return self.opens_on <= day <= self.closes_on


def period(content: dict[str, Any]) -> Period | None:
    try:
        return Period(
            dt.date.fromisoformat(content["opens_on"]), dt.date.fromisoformat(content["closes_on"])
        )
    except (KeyError, TypeError, ValueError):
        return None


# ---------------------------------------------------------------- the human check


def _sign(payload: str) -> str:
    key = hashlib.sha256(b"thidua-consultation-check:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


def new_challenge(now: float | None = None) -> Challenge:
    a, b = 1 + secrets.randbelow(9), 1 + secrets.randbelow(9)
    moment = int(time.time() if now is None else now)
    payload = f"{a + b}.{moment}.{secrets.token_hex(4)}"
    token = base64.urlsafe_b64encode(payload.encode()).decode() + "." + _sign(payload)
    question = _("How much is %(a)s plus %(b)s? (write the number in digits)") % {
        "a": NUMBER_WORDS[a],
        "b": NUMBER_WORDS[b],
    }
    return Challenge(question[:1].upper() + question[1:], token)


def check_answer(token: str, answer: str, now: float | None = None) -> bool:
    """The answer is the signed sum, and the form is younger than CHALLENGE_MAX_AGE."""
    try:
        encoded, signature = token.rsplit(".", 1)
        payload = base64.urlsafe_b64decode(encoded.encode()).decode()
        total, moment, _nonce = payload.split(".")
        if not hmac.compare_digest(_sign(payload), signature):
            return False
        age = (time.time() if now is None else now) - int(moment)
        return 0 <= age <= CHALLENGE_MAX_AGE and answer.strip() == total
    except (ValueError, UnicodeDecodeError):
        return False


# ---------------------------------------------------------------- the rate limit


class RateLimiter:
    """At most `limit` events per `window` seconds per source, in memory. A source is known
    only by an HMAC of its address under a key drawn at start-up and never written anywhere,
    so the table holds no address and cannot be reversed once the process ends."""

    def __init__(self, limit: int = RATE_LIMIT, window: int = RATE_WINDOW) -> None:
        self.limit, self.window = limit, window
        self._key = secrets.token_bytes(32)
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def source(self, address: str) -> str:
        return hmac.new(self._key, address.encode(), hashlib.sha256).hexdigest()[:24]

    def allow(self, address: str, now: float | None = None) -> bool:
        moment = time.monotonic() if now is None else now
        key = self.source(address)
        with self._lock:
            if len(self._seen) > 10_000:  # forget idle sources
                self._seen = {
                    k: q for k, q in self._seen.items() if q and q[-1] > moment - self.window
                }
            times = self._seen.setdefault(key, deque())
            while times and times[0] <= moment - self.window:
                times.popleft()
            if len(times) >= self.limit:
                return False
            times.append(moment)
            return True


limiter = RateLimiter()
