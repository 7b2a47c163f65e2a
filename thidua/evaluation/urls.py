from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.index, name="index"),
    path("unit/<int:pk>/", views.unit_page, name="unit"),
    path("unit/<int:pk>/assess/<int:year>/", views.open_assessment, name="open_assessment"),
    path("unit/<int:pk>/programme/<int:year>/", views.programme_page, name="programme"),
    path("programme/<int:pk>/targets/", views.add_target, name="add_target"),
    path("programme/<int:pk>/approve/", views.approve_programme, name="approve_programme"),
    path("assessment/<int:pk>/", views.assessment_page, name="assessment"),
    path("assessment/<int:pk>/<slug:action>/", views.transition, name="transition"),
    path("score/<int:pk>/self/", views.self_score, name="self_score"),
    path("score/<int:pk>/review/", views.review_score, name="review_score"),
    path("score/<int:pk>/evidence/", views.evidence, name="evidence"),
    path("cluster/new/", views.cluster_new, name="cluster_new"),
    path("cluster/<int:pk>/", views.cluster_page, name="cluster"),
    path("cluster/<int:pk>/officers/", views.cluster_officers, name="cluster_officers"),
    path("rubric/<int:pk>/", views.rubric_page, name="rubric"),
    path("phase/", views.phase_page, name="phase"),
]
