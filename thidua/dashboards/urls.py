from django.urls import URLPattern, URLResolver, path

from . import views, views_mywork

app_name = "dashboards"
urlpatterns: list[URLPattern | URLResolver] = [
    path("my-work/", views_mywork.mywork, name="mywork"),
]

# dash: the dashboard and the phase reviews
urlpatterns += [
    path("", views.dashboard, name="dashboard"),
    path("xlsx/", views.dashboard_xlsx, name="xlsx"),
]
urlpatterns += [
    path("review/", views.review_new, name="review_new"),
    path("review/<str:token>/", views.review_job, name="review_job"),
    path("review/<str:token>/<str:kind>/", views.review_file, name="review_file"),
]
