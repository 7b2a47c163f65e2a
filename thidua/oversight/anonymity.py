"""Keeping anonymous senders out of the records while still slowing floods and robots.

`Throttle`: at most `limit` actions per source in a window. The source (the connection's
address) is keyed with a random key that lives only in this process's memory and is replaced
at every window, so what is kept is a keyed hash that nobody can link back to an address once
the window has passed, and nothing of it is ever written to the database, a file or a log.
Each server process counts on its own (with N processes a source gets up to N × limit).

`HumanCheck`: a small sum written in words ("bảy cộng hai"), signed with HMAC and a time, so
that it works offline (no outside service) and the server keeps nothing; a filled honeypot
field marks a robot."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

WINDOW_SECONDS = 600


class Throttle:
    def __init__(self, limit: int, window: int = WINDOW_SECONDS) -> None:
        self.limit = limit
        self.window = window
        self._lock = threading.Lock()
        self._epoch = -1
        self._key = b""
        self._counts: dict[bytes, int] = {}

    def _rotate(self, now: float) -> None:
        epoch = int(now // self.window)
        if epoch != self._epoch:
            self._epoch, self._key, self._counts = epoch, secrets.token_bytes(32), {}

    def allow(self, source: str, *, now: float | None = None) -> bool:
        """Count one action of `source`; False once it passes the limit in this window."""
        with self._lock:
            self._rotate(time.time() if now is None else now)
            tag = hmac.new(self._key, source.encode(), hashlib.sha256).digest()[:16]
            count = self._counts.get(tag, 0) + 1
            self._counts[tag] = count
            return count <= self.limit

    def reset(self) -> None:
        with self._lock:
            self._epoch = -1


SUBMISSIONS = Throttle(limit=5)
"""New reports per source and window."""
LOOKUPS = Throttle(limit=30)
"""Status look-ups and replies per source and window (slows guessing of codes)."""


def source_of(request_meta: dict[str, object]) -> str:
    """The connection's address, used only as the throttle's input (never stored)."""
    return str(request_meta.get("REMOTE_ADDR", ""))


# -- human check -----------------------------------------------------------------------------

MAX_AGE = 2 * 3600


def _words() -> list[str]:
    return [
        _("zero"),
        _("one"),
        _("two"),
        _("three"),
        _("four"),
        _("five"),
        _("six"),
        _("seven"),
        _("eight"),
        _("nine"),
    ]


def _sign(payload: str) -> str:
    key = hashlib.sha256(b"thidua.waste-report.check:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class Question:
    text: str
    token: str


def new_question(*, now: float | None = None) -> Question:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    payload = f"{a}.{b}.{int(time.time() if now is None else now)}"
    words = _words()
    text = _("How much is %(a)s plus %(b)s? (answer in digits)") % {"a": words[a], "b": words[b]}
    return Question(text[:1].upper() + text[1:], f"{payload}.{_sign(payload)}")


def question_for(token: str) -> Question | None:
    """The question a signed token stands for (to show it again), or None."""
    parts = token.split(".")
    if len(parts) != 4 or not hmac.compare_digest(_sign(".".join(parts[:3])), parts[3]):
        return None
    words = _words()
    try:
        a, b = int(parts[0]), int(parts[1])
        text = _("How much is %(a)s plus %(b)s? (answer in digits)") % {
            "a": words[a],
            "b": words[b],
        }
    except (ValueError, IndexError):
        return None
    return Question(text[:1].upper() + text[1:], token)


def check_answer(token: str, answer: str, *, now: float | None = None) -> bool:
    parts = token.split(".")
    if len(parts) != 4:
        return False
    payload = ".".join(parts[:3])
    if not hmac.compare_digest(_sign(payload), parts[3]):
        return False
    try:
        a, b, at = (int(x) for x in parts[:3])
    except ValueError:
        return False
    age = (time.time() if now is None else now) - at
    if not 0 <= age <= MAX_AGE:
        return False
    return answer.strip() == str(a + b)
