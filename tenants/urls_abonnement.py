"""/direction/abonnement/ on an establishment's site."""

from django.urls import path

from . import views_abonnement, views_devis

urlpatterns = [
    path("", views_abonnement.abonnement_page, name="abonnement"),
    path("commander/", views_abonnement.abonnement_commander_page, name="abonnement_commander"),
    path("<int:pk>/devis.pdf", views_devis.direction_devis, name="abonnement_devis"),
    path("<int:pk>/facture.pdf", views_devis.direction_facture, name="abonnement_facture"),
]
