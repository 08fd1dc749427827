"""Transfers of learners between establishments, under /direction/transferts/."""

from django.urls import path

from . import views_transfert

urlpatterns = [
    path("", views_transfert.transfert_list, name="transfert_list"),
    path("nouveau/", views_transfert.transfert_create, name="transfert_create"),
    path("dossiers/<int:pk>/", views_transfert.dossier_detail, name="transfert_dossier"),
]
