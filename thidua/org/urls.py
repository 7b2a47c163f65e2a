from django.urls import path

from . import views, views_admin, views_io, views_reorg

app_name = "org"
urlpatterns = [
    path("", views.tree_page, name="tree"),
    path("search/", views.search, name="search"),
    path("unit/<int:pk>/", views.unit_page, name="unit"),
    path("unit/<int:pk>/children/", views.children_fragment, name="children"),
    path("reorganise/<slug:kind>/", views_reorg.reorganise, name="reorganise"),
    path("unit/<int:pk>/reorganise/<slug:kind>/", views_reorg.reorganise, name="reorganise_unit"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_page, name="person"),
    path("io/", views_io.io_page, name="io"),
    path("io/units.<slug:fmt>", views_io.export_units, name="export_units"),
    path("io/people.<slug:fmt>", views_io.export_people, name="export_people"),
    path("reference/levels/", views_admin.levels, name="ref_levels"),
    path("reference/levels/new/", views_admin.level_create, name="ref_level_create"),
    path("reference/levels/<int:pk>/", views_admin.level_edit, name="ref_level_edit"),
    path("reference/levels/<int:pk>/delete/", views_admin.level_delete, name="ref_level_delete"),
]
