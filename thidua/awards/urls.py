from django.urls import path

from . import (
    views,
    views_admin,
    views_imports,
    views_initiatives,
    views_proposals,
    views_registrations,
)

app_name = "awards"
urlpatterns = [
    path("", views.index, name="index"),
    path("reference/councils/", views_admin.councils, name="ref_councils"),
    path("reference/councils/new/", views_admin.council_create, name="ref_council_create"),
    path(
        "reference/councils/from-template/",
        views_admin.councils_from_template,
        name="ref_councils_from_template",
    ),
    path("reference/councils/<int:pk>/", views_admin.council_page, name="ref_council"),
    path("reference/councils/<int:pk>/members/", views_admin.member_add, name="ref_member_add"),
    path(
        "reference/councils/<int:pk>/members/<int:member_id>/end/",
        views_admin.member_end,
        name="ref_member_end",
    ),
    path("reference/titles/", views_admin.titles, name="ref_titles"),
    path("reference/titles/new/", views_admin.title_create, name="ref_title_create"),
    path("reference/titles/<int:pk>/rules/new/", views_admin.rule_new, name="ref_rule_new"),
    path("reference/rules/<int:pk>/", views_admin.rule_edit, name="ref_rule_edit"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("candidates/", views.candidates, name="candidates"),
    path("people/<int:pk>/", views.person_page, name="person"),
    path("registrations/", views_registrations.registrations, name="registrations"),
    path(
        "registrations/<int:unit_id>/<int:year>/",
        views_registrations.registration_page,
        name="registration",
    ),
    path(
        "registrations/<int:pk>/move/<slug:to>/",
        views_registrations.registration_move,
        name="registration_move",
    ),
    path("proposals/", views_proposals.proposals, name="proposals"),
    path("proposals/new/", views_proposals.proposal_new, name="proposal_new"),
    path("proposals/<int:pk>/", views_proposals.proposal_page, name="proposal"),
    path("proposals/<int:pk>/report/", views_proposals.proposal_report, name="proposal_report"),
    path(
        "proposals/<int:pk>/report.<str:fmt>",
        views_proposals.proposal_report_file,
        name="proposal_report_file",
    ),
    path(
        "proposals/<int:pk>/evidence/", views_proposals.proposal_evidence, name="proposal_evidence"
    ),
    path(
        "proposals/<int:pk>/evidence/<int:evidence_id>/",
        views_proposals.evidence_download,
        name="evidence",
    ),
    path("proposals/<int:pk>/move/<slug:to>/", views_proposals.proposal_move, name="proposal_move"),
    path("initiatives/", views_initiatives.initiatives, name="initiatives"),
    path("imports/", views_imports.imports_page, name="imports"),
    path("imports/<slug:key>/template.xlsx", views_imports.template, name="import_template"),
    path("imports/<slug:key>/", views_imports.upload, name="import_upload"),
    path("imports/<slug:key>/confirm/", views_imports.confirm, name="import_confirm"),
    path("thematic/", views.thematic, name="thematic"),
    path("recompute/", views.recompute, name="recompute"),
]
