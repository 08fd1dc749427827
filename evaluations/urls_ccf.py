"""The CCF grids of certificative situations, under /ccf/ (evaluations.views_ccf, docs/ccf.md)."""

from django.urls import path

from . import views_ccf

urlpatterns = [
    path("situations/<int:pk>/", views_ccf.ccf_situation, name="ccf_situation"),
    path("situations/<int:pk>/preparer/", views_ccf.ccf_preparer, name="ccf_preparer"),
    path("situations/<int:pk>/grilles.xlsx", views_ccf.ccf_situation_xlsx, name="ccf_situation_xlsx"),
    path("grilles/<int:pk>/", views_ccf.ccf_grille, name="ccf_grille"),
    path("grilles/<int:pk>/bareme/", views_ccf.ccf_bareme, name="ccf_bareme"),
    path("grilles/<int:pk>/verrouiller/", views_ccf.ccf_verrouiller, name="ccf_verrouiller"),
    path("grilles/<int:pk>/nouvelle-version/", views_ccf.ccf_nouvelle_version, name="ccf_nouvelle_version"),
    path("grilles/<int:pk>/grille.xlsx", views_ccf.ccf_grille_xlsx, name="ccf_grille_xlsx"),
    path("mes-grilles/", views_ccf.ccf_mes_grilles, name="ccf_mes_grilles"),
]
