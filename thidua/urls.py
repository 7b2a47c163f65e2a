from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from thidua.dashboards import views_account, views_mywork

urlpatterns = [
    path("", views_mywork.mywork, name="home"),
    path(
        "accessibility/",
        TemplateView.as_view(template_name="accessibility.html"),
        name="accessibility",
    ),
    # Issue 10: password reset by e-mail (queued) and the profile page, in dashboards.
    path("accounts/password/reset/", views_account.password_reset, name="password_reset"),
    path("accounts/password/sent/", views_account.password_reset_done, name="password_reset_done"),
    path(
        "accounts/password/<uidb64>/<token>/",
        views_account.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/done/",
        views_account.password_reset_complete,
        name="password_reset_complete",
    ),
    path("accounts/profile/", views_account.profile, name="profile"),
    path("accounts/", include("thidua.accounts.urls")),
    path("org/", include("thidua.org.urls")),
    path("movements/", include("thidua.movements.urls")),
    path("reports/", include("thidua.reporting.urls")),
    path("oversight/", include("thidua.oversight.urls")),
    path("evaluation/", include("thidua.evaluation.urls")),
    path("council/", include("thidua.council.urls")),
    path("awards/", include("thidua.awards.urls")),
    path("notifications/", include("thidua.notifications.urls")),
    path("dashboards/", include("thidua.dashboards.urls")),
    # Issue 13 point 6: anonymous waste reports (no login), before the portal's prefix.
    path("public/phan-anh/", include("thidua.oversight.urls_public")),
    path("public/", include("thidua.disclosures.urls")),
    path("api/v1/", include("thidua.api_urls")),
    path("setup/", include("thidua.packs.urls")),
    path("quan-tri/", admin.site.urls),
]
