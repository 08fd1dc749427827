"""Classes, learners, formations and formateurs."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("classes/", views.classe_list, name="classe_list"),
    path("classes/nouvelle/", views.classe_create, name="classe_create"),
    path("classes/<int:pk>/", views.classe_detail, name="classe_detail"),
    path("classes/<int:pk>/formateurs/", views.classe_formateurs, name="classe_formateurs"),
    path("classes/<int:pk>/modifier/", views.classe_edit, name="classe_edit"),
    path("formations/", views.formation_list, name="formation_list"),
    path("apprenants/", views.apprenant_list, name="apprenant_list"),
    path("apprenants/nouveau/", views.apprenant_create, name="apprenant_create"),
    path("apprenants/<int:pk>/", views.apprenant_detail, name="apprenant_detail"),
    path("apprenants/<int:pk>/modifier/", views.apprenant_edit, name="apprenant_edit"),
    path("apprenants/<int:pk>/inscription/", views.apprenant_inscrire, name="apprenant_inscrire"),
    path("apprenants/<int:pk>/inviter/", views.apprenant_inviter, name="apprenant_inviter"),
    path("formateurs/", views.formateur_list, name="formateur_list"),
    path("formateurs/<int:pk>/", views.formateur_edit, name="formateur_edit"),
    path("direction/reglages/", views.reglages, name="reglages"),
    path("direction/exports/", include("scolarite.urls_export")),
]
