from django.urls import path

from . import views

app_name = "awards"
urlpatterns = [
    path("", views.index, name="index"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("candidates/", views.candidates, name="candidates"),
    path("people/<int:pk>/", views.person_page, name="person"),
    path("registrations/", views.registrations, name="registrations"),
    path("registrations/<int:unit_id>/<int:year>/", views.registration_page, name="registration"),
    path(
        "registrations/<int:pk>/move/<slug:to>/",
        views.registration_move,
        name="registration_move",
    ),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/new/", views.proposal_new, name="proposal_new"),
    path("proposals/<int:pk>/", views.proposal_page, name="proposal"),
    path("proposals/<int:pk>/report/", views.proposal_report, name="proposal_report"),
    path("proposals/<int:pk>/evidence/", views.proposal_evidence, name="proposal_evidence"),
    path(
        "proposals/<int:pk>/evidence/<int:evidence_id>/",
        views.evidence_download,
        name="evidence",
    ),
    path("proposals/<int:pk>/move/<slug:to>/", views.proposal_move, name="proposal_move"),
    path("initiatives/", views.initiatives, name="initiatives"),
    path("thematic/", views.thematic, name="thematic"),
    path("recompute/", views.recompute, name="recompute"),
]
