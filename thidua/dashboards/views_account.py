"""The account basics a deployment needs (issue 10, point 6): password reset by e-mail through
Django's flow (the e-mail queued like every other, so a mail server that is down never breaks
the page), and the profile page: units, roles and notification choices."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET

from thidua.accounts.models import RoleAssignment
from thidua.accounts.requests import AuthedHttpRequest
from thidua.lib.dates import today
from thidua.notifications.actions import queue_email
from thidua.notifications.forms import PreferencesForm


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's form, with the e-mail put in the outbox (sent and retried by the worker)."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        queue_email(context["user"], subject, body)


password_reset = auth_views.PasswordResetView.as_view(
    form_class=QueuedPasswordResetForm,
    template_name="dashboards/password_reset_form.html",
    email_template_name="dashboards/password_reset_email.txt",
    subject_template_name="dashboards/password_reset_subject.txt",
    success_url=reverse_lazy("password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="dashboards/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="dashboards/password_reset_confirm.html",
    success_url=reverse_lazy("password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="dashboards/password_reset_complete.html"
)


@login_required
@require_GET
def profile(request: AuthedHttpRequest) -> HttpResponse:
    """Who I am: my staff record, my roles on their units (current and past), how I am told."""
    roles = (
        RoleAssignment.objects.filter(user=request.user)
        .select_related("unit")
        .order_by("-valid_to", "valid_from")
    )
    return render(
        request,
        "dashboards/profile.html",
        {"roles": roles, "today": today(), "form": PreferencesForm(request.user)},
    )
