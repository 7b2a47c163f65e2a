from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.i18n import set_language

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", set_language, name="set_language"),
    path("tokens/", views.tokens, name="tokens"),
    path("users/", views.user_list, name="users"),
    path("lockouts/", views.lockout_list, name="lockouts"),
    path("lockouts/unlock/", views.lockout_unlock, name="lockout_unlock"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/roles/<int:role_pk>/end/", views.role_end, name="role_end"),
]
