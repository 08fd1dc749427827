"""URLs of the company side: journal (mounted under /journal/ by cpro/urls.py)."""

from django.urls import path

from . import views_journal as views

urlpatterns = [
    path("", views.journal_apprenant, name="journal_apprenant"),
    path("tuteur/", views.journal_tuteur, name="journal_tuteur"),
    path("tuteur/contrats/<int:contrat_pk>/nouvelle/", views.tuteur_entree_create, name="journal_tuteur_entree_create"),
    path("apprenants/<int:apprenant_pk>/", views.journal_of_apprenant, name="journal_of_apprenant"),
    path("entrees/<int:pk>/", views.entree_detail, name="journal_entree"),
    path("entrees/<int:pk>/modifier/", views.entree_edit, name="journal_entree_edit"),
    path("entrees/<int:pk>/valider/", views.entree_validate, name="journal_entree_validate"),
    path("entrees/<int:pk>/a-revoir/", views.entree_a_revoir, name="journal_entree_a_revoir"),
    path("entrees/<int:pk>/commentaire/", views.entree_comment, name="journal_entree_comment"),
    path("preuves/<int:pk>/", views.preuve_view, name="journal_preuve"),
]
