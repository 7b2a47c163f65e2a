from django.urls import path

from thidua.api import api

urlpatterns = [path("", api.urls)]
