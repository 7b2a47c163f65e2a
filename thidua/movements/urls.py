from django.urls import path

from . import views

app_name = "movements"
urlpatterns = [
    path("", views.movement_list, name="list"),
    path("new/", views.movement_create, name="create"),
    path("<int:pk>/", views.movement_detail, name="detail"),
    path("<int:pk>/add/<slug:part>/", views.movement_add, name="add"),
    path(
        "<int:pk>/milestones/<int:milestone_pk>/status/",
        views.milestone_status,
        name="milestone_status",
    ),
]
