"""Imports of learners, classes, companies and contracts (under /direction/imports/)."""

from django.urls import path

from . import views_import as views

urlpatterns = [
    path("", views.import_index, name="import_index"),
    path("<int:pk>/", views.import_detail, name="import_detail"),
    path("<int:pk>/confirmer/", views.import_confirm, name="import_confirm"),
    path("<int:pk>/abandonner/", views.import_abandon_view, name="import_abandon"),
]
