"""Scénarios pédagogiques and their situations, under /formateur/scenarios/."""

from django.urls import path

from . import views_scenario as views

urlpatterns = [
    path("", views.scenario_list, name="scenario_list"),
    path("nouveau/", views.scenario_create, name="scenario_create"),
    path("<int:pk>/", views.scenario_detail, name="scenario_detail"),
    path("<int:pk>/modifier/", views.scenario_edit, name="scenario_edit"),
    path("<int:pk>/liaison/", views.scenario_liaison, name="scenario_liaison"),
    path("<int:pk>/dupliquer/", views.scenario_duplicate, name="scenario_duplicate"),
    path("<int:pk>/partage/", views.scenario_share, name="scenario_share"),
    path("<int:pk>/archive/", views.scenario_archive, name="scenario_archive"),
    path("<int:pk>/ressources/", views.ressource_add, name="ressource_add"),
    path("<int:pk>/ressources/<int:ressource_pk>/", views.ressource_download, name="ressource_download"),
    path("<int:pk>/ressources/<int:ressource_pk>/supprimer/", views.ressource_remove, name="ressource_remove"),
    path("<int:pk>/situations/nouvelle/", views.situation_create, name="situation_create"),
    path("situations/<int:pk>/", views.situation_detail, name="situation_detail"),
]
