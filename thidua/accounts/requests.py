"""The request types of the pages and the API: what the middleware adds, typed.

django-stubs types `request.user` as `User | AnonymousUser` and knows nothing of django-htmx's
`request.htmx`; both packages document a subclass of `HttpRequest` for views to annotate with.
Only annotations: Django still passes its own `WSGIRequest`, which carries these attributes once
AuthenticationMiddleware and HtmxMiddleware have run (thidua/settings.py).
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from .models import User


class HtmxHttpRequest(HttpRequest):
    """A request to a page open to anyone: the user may be anonymous."""

    htmx: HtmxDetails


class AuthedHttpRequest(HtmxHttpRequest):
    """A request to a `login_required` page or to the API (TokenAuth or the session): the user
    is signed in, so `request.user` is the project's `User`, never `AnonymousUser`."""

    user: User
