"""URLs of the bilans entreprise (mounted under /bilans-entreprise/ by cpro/urls.py)."""

from django.urls import path

from . import views_bilan as views

urlpatterns = [
    path("periodes/<int:periode_pk>/apprenants/<int:apprenant_pk>/", views.bilan_ouvrir, name="bilan_ouvrir"),
    path("<int:pk>/", views.bilan_entreprise, name="bilan_entreprise"),
    path("<int:pk>/confirmer/", views.bilan_confirmer, name="bilan_confirmer"),
    path("<int:pk>/imprimer/", views.bilan_imprimer, name="bilan_imprimer"),
]
