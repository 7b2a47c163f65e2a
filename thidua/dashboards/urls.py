from django.urls import URLPattern, URLResolver, path

from . import views_mywork

app_name = "dashboards"
urlpatterns: list[URLPattern | URLResolver] = [
    path("my-work/", views_mywork.mywork, name="mywork"),
]
