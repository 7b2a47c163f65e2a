from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "dashboards"
urlpatterns: list[URLPattern | URLResolver] = []

# dash: the dashboard and the phase reviews
urlpatterns += [
    path("", views.dashboard, name="dashboard"),
    path("xlsx/", views.dashboard_xlsx, name="xlsx"),
]
