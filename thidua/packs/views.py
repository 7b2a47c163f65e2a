"""The set-up page of a clean install (/setup/): the holder of the one-time token creates the
body, chooses its sector pack and names the first administrator, through the same function as
`python manage.py setup_body`. Once anything is set up the page answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .forms import SetupForm
from .loader import PackError
from .setup import is_set_up, setup_from_page, setup_token_matches, shipped_packs


@never_cache
def setup_page(request: HttpRequest) -> HttpResponse:
    if is_set_up():
        raise Http404
    form = SetupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not setup_token_matches(request.POST.get("token", "")):
            form.is_valid()
            form.add_error(
                "token",
                _(
                    "The set-up token is wrong. Print one on the server: "
                    "python manage.py setup_token"
                ),
            )
            status = 403
        elif form.is_valid():
            try:
                result = setup_from_page(form.spec())
            except PackError as exc:
                form.add_error(None, _(exc.msgid) % exc.params)
            else:
                messages.success(
                    request,
                    _("%(body)s is set up on the pack “%(pack)s”. Log in as %(user)s.")
                    % {
                        "body": result.body.unit.name,
                        "pack": result.pack.title,
                        "user": form.cleaned_data["admin_username"],
                    },
                )
                return redirect("accounts:login")
        if status == 200 and form.errors:
            status = 400
    packs = shipped_packs(get_language() or "vi")
    return render(request, "packs/setup.html", {"form": form, "packs": packs}, status=status)
