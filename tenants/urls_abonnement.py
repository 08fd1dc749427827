"""/direction/abonnement/ on an establishment's site."""

from django.urls import path

from . import views_abonnement

urlpatterns = [
    path("", views_abonnement.abonnement_page, name="abonnement"),
    path("commander/", views_abonnement.abonnement_commander_page, name="abonnement_commander"),
]
