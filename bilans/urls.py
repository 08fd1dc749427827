"""Bilans intermédiaires, under /bilans/."""

from django.urls import path

from . import views, views_apprenant, views_credential, views_notes

urlpatterns = [
    path("", views.bilans_index, name="bilans_index"),
    path("classes/<int:pk>/", views.bilans_classe_page, name="bilans_classe"),
    path("classes/<int:pk>/notes/", views_notes.bilans_classe_notes, name="bilans_classe_notes"),  # before <jour>
    path("classes/<int:pk>/<str:jour>/", views.bilans_feuille, name="bilans_feuille"),
    path("lignes/<int:pk>/", views.bilans_ligne, name="bilans_ligne"),
    path("<int:pk>/", views_apprenant.bilan_page, name="bilan_page"),
    path("<int:pk>/supprimer/", views_apprenant.bilan_supprimer, name="bilan_supprimer"),
    path("<int:pk>/note/", views_notes.bilan_note, name="bilan_note"),
    path("apprenants/<int:pk>/", views_apprenant.bilans_apprenant, name="bilans_apprenant"),
    path("mes-bilans/", views_apprenant.mes_bilans, name="mes_bilans"),
    path("mes-bilans/badges.json", views_credential.mon_credential, name="mon_credential"),
]
