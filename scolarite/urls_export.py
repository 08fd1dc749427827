"""Exports of the establishment's school data (under /direction/exports/)."""

from django.urls import path

from . import views_export as views

urlpatterns = [
    path("apprenants.csv", views.export_apprenants, name="export_apprenants"),
    path("historique-complet.csv", views.export_historique, name="export_historique"),
]
