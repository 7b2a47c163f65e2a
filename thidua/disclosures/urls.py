from django.urls import URLPattern, URLResolver, path

from . import views, views_consultation, views_more, views_national, views_publish, views_signature

app_name = "disclosures"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("figures/", views.figures, name="figures"),
    path("rankings/", views.rankings, name="rankings"),
    path("decisions/", views.decisions, name="decisions"),
    path("items/<int:index>/", views.item, name="item"),
    path("items/<int:index>.pdf", views.item_pdf, name="item_pdf"),
    path("verify/<int:index>/", views.verify, name="verify"),
    path("consultations/", views_consultation.consultations, name="consultations"),
    path("consultations/<int:index>/comment/", views_consultation.comment, name="comment"),
    path(
        "manage/consultation/",
        views_consultation.publish_consultation,
        name="publish_consultation",
    ),
    path("manage/plan/", views_more.publish_plan, name="publish_plan"),
    path("manage/oversight/", views_more.publish_oversight, name="publish_oversight"),
    path("manage/review/", views_more.publish_review, name="publish_review"),
    path("signature/", views_signature.signature, name="signature"),
    path("items/<int:index>/awards/<int:row>/", views_signature.award, name="award"),
    path(
        "manage/awards/<int:pk>/certificate.pdf",
        views_signature.award_certificate,
        name="award_certificate",
    ),
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
