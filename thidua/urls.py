from django.contrib import admin
from django.urls import include, path

from thidua.accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
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
    path("public/", include("thidua.disclosures.urls")),
    path("api/v1/", include("thidua.api_urls")),
    path("setup/", include("thidua.packs.urls")),
    path("quan-tri/", admin.site.urls),
]
