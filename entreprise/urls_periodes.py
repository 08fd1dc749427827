"""URLs of the company side: periodes (mounted under /periodes/ by cpro/urls.py)."""

from django.urls import path

from . import views_periodes as views

urlpatterns = [
    path("", views.periodes_index, name="periodes_index"),
    path("classes/<int:pk>/", views.periodes_classe, name="periodes_classe"),
    path("classes/<int:pk>/nouvelle/", views.periode_create_view, name="periode_create"),
    path("classes/<int:pk>/<int:periode_pk>/modifier/", views.periode_edit_view, name="periode_edit"),
    path("classes/<int:pk>/<int:periode_pk>/couper/", views.periode_couper_view, name="periode_couper"),
    path("classes/<int:pk>/<int:periode_pk>/supprimer/", views.periode_delete_view, name="periode_delete"),
    path("classes/<int:pk>/pfmp/", views.pfmp_classe_view, name="pfmp_classe"),
    path("pfmp/signales/", views.pfmp_signales_view, name="pfmp_signales"),
    path("apprenants/<int:apprenant_pk>/amenagement/", views.amenagement_pfmp_view, name="amenagement_pfmp"),
]
