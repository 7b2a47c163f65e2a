from __future__ import annotations

from axes.decorators import axes_dispatch
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.lib.dates import today
from thidua.lib.text import fold

from . import actions
from .access import require_admin
from .forms import LoginForm, RoleForm, UnlockForm, UserCreateForm
from .lockouts import lockouts
from .models import RoleAssignment, User
from .requests import AuthedHttpRequest


@axes_dispatch
def login_view(request: HttpRequest) -> HttpResponse:
    view = auth_views.LoginView.as_view(
        template_name="accounts/login.html",
        authentication_form=LoginForm,
        redirect_authenticated_user=True,
    )
    return view(request)  # type: ignore[return-value]


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    return redirect("movements:list")


@login_required
def user_list(request: AuthedHttpRequest) -> HttpResponse:
    require_admin(request.user)
    query = request.GET.get("q", "").strip()
    users = User.objects.select_related("person").order_by("username")
    if query:
        users = users.filter(
            Q(username__icontains=query) | Q(person__search_key__contains=fold(query))
        )
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "q": query})


@login_required
def user_create(request: AuthedHttpRequest) -> HttpResponse:
    require_admin(request.user)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = actions.create_user(
                data["username"],
                data["password"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                person=data["person_code"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("User created."))
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_create.html", {"form": form})


@login_required
def user_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    account = get_object_or_404(User.objects.select_related("person"), pk=pk)
    form = RoleForm(request.POST or None, initial={"valid_from": today()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.grant_role(form.assignment(account))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Role granted."))
            return redirect("accounts:user_detail", pk=pk)
    roles = account.roles.select_related("unit").order_by("-valid_from")
    return render(
        request,
        "accounts/user_detail.html",
        {"account": account, "roles": roles, "form": form, "today": today()},
    )


@login_required
@require_POST
def role_end(request: AuthedHttpRequest, pk: int, role_pk: int) -> HttpResponse:
    require_admin(request.user)
    assignment = get_object_or_404(RoleAssignment, pk=role_pk, user_id=pk)
    try:
        actions.end_role(assignment, day=today())
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("Role ended."))
    return redirect("accounts:user_detail", pk=pk)


@login_required
def lockout_list(request: AuthedHttpRequest) -> HttpResponse:
    """Logins locked after too many failed attempts, each with a button to lift it."""
    require_admin(request.user)
    return render(request, "accounts/lockout_list.html", {"lockouts": lockouts()})


@login_required
@require_POST
def lockout_unlock(request: AuthedHttpRequest) -> HttpResponse:
    require_admin(request.user)
    form = UnlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This login is not locked."))
        return redirect("accounts:lockouts")
    username, address = form.cleaned_data["username"], form.cleaned_data["ip_address"] or None
    try:
        actions.unlock_login(username, address, by=request.user)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Unlocked %(username)s at %(address)s: they can log in again.")
            % {"username": username, "address": address or "—"},
        )
    return redirect("accounts:lockouts")


@login_required
def tokens(request: AuthedHttpRequest) -> HttpResponse:
    """Personal API tokens: create (the secret is shown once) and revoke."""
    from .tokens import issue_token, revoke_token

    secret = None
    if request.method == "POST":
        if request.POST.get("revoke", "").isdigit():
            token = get_object_or_404(request.user.api_tokens, pk=int(request.POST["revoke"]))
            revoke_token(token)
            messages.success(request, _("Token revoked."))
            return redirect("accounts:tokens")
        _token, secret = issue_token(request.user, request.POST.get("name", "").strip())
    items = request.user.api_tokens.all()
    return render(request, "accounts/tokens.html", {"tokens": items, "secret": secret})
