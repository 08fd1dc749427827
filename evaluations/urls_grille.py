"""A situation's class grid, under /formateur/situations/."""

from django.urls import path

from . import views_grille

urlpatterns = [
    path("<int:pk>/grille/", views_grille.grille_page, name="grille"),
    path("<int:pk>/grille/cellule/", views_grille.grille_cellule, name="grille_cellule"),
    path("<int:pk>/grille/annuler/", views_grille.grille_annuler, name="grille_annuler"),
    path("<int:pk>/grille/commentaire/", views_grille.grille_commentaire, name="grille_commentaire"),
    path("<int:pk>/grille/historique/", views_grille.grille_historique, name="grille_historique"),
]
