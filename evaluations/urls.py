"""The establishment's evaluation scales, under /direction/echelles/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.echelle_list, name="echelle_list"),
    path("<int:pk>/", views.echelle_detail, name="echelle_detail"),
    path("<int:pk>/nouvelle-version/", views.echelle_version_new, name="echelle_version_create"),
    path("<int:pk>/usage/", views.echelle_usage, name="echelle_usage"),
]
