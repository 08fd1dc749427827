"""URLs of the fiches activités (mounted under /fiches/ by cpro/urls.py)."""

from django.urls import path

from . import views_fiches as views

urlpatterns = [
    path("", views.fiches_index, name="fiches_index"),
    path("periodes/<int:periode_pk>/", views.fiche_periode, name="fiche_periode"),
    path("periodes/<int:periode_pk>/preparer/", views.fiche_preparer, name="fiche_preparer"),
    path("periodes/<int:periode_pk>/ma-fiche/", views.ma_fiche, name="ma_fiche"),
    path("periodes/<int:periode_pk>/apprenants/<int:apprenant_pk>/", views.fiche_apprenant, name="fiche_apprenant"),
    path("periodes/<int:periode_pk>/apprenants/<int:apprenant_pk>/ajuster/", views.fiche_ajuster,
         name="fiche_ajuster"),
    path("realisations/<int:pk>/verifier/", views.realisation_verifier, name="realisation_verifier"),
]
