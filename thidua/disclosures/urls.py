from django.urls import URLPattern, URLResolver, path

from . import views, views_national, views_publish

app_name = "disclosures"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("figures/", views.figures, name="figures"),
    path("rankings/", views.rankings, name="rankings"),
    path("decisions/", views.decisions, name="decisions"),
    path("items/<int:index>/", views.item, name="item"),
    path("items/<int:index>.pdf", views.item_pdf, name="item_pdf"),
    path("verify/<int:index>/", views.verify, name="verify"),
    path("manage/", views_publish.manage, name="manage"),
    path("manage/publish/", views_publish.publish, name="publish"),
    path("manage/<int:index>/withdraw/", views_publish.withdraw, name="withdraw"),
    path("manage/schedule/", views_national.schedule_page, name="schedule"),
    path("manage/on-time/", views_national.timeliness, name="timeliness"),
    path("manage/on-time/publish/", views_national.publish_issued, name="publish_issued"),
    path("manage/national/", views_national.national_page, name="national"),
    path("manage/national/build/", views_national.national_build, name="national_build"),
    path("manage/national/<int:pk>.zip", views_national.national_package, name="national_zip"),
    path("manage/national/<int:pk>/sent/", views_national.national_sent, name="national_sent"),
]
