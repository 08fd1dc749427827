"""Companies, tuteurs and contracts."""

from django.urls import path

from . import views_direction as views

urlpatterns = [
    path("entreprises/", views.entreprise_list_view, name="entreprise_list"),
    path("entreprises/nouvelle/", views.entreprise_create_view, name="entreprise_create"),
    path("entreprises/<int:pk>/", views.entreprise_detail_view, name="entreprise_detail"),
    path("entreprises/<int:pk>/modifier/", views.entreprise_edit_view, name="entreprise_edit"),
    path("entreprises/<int:pk>/tuteurs/nouveau/", views.tuteur_create_view, name="tuteur_create"),
    path("entreprises/<int:pk>/tuteurs/<int:tuteur_pk>/modifier/", views.tuteur_edit_view, name="tuteur_edit"),
    path("entreprises/<int:pk>/tuteurs/<int:tuteur_pk>/inviter/", views.tuteur_invite_view, name="tuteur_invite"),
    path("contrats/", views.contrat_list_view, name="contrat_list"),
    path("contrats/nouveau/", views.contrat_create_view, name="contrat_create"),
    path("contrats/tuteurs/", views.contrat_tuteurs_field, name="contrat_tuteurs_field"),
    path("contrats/<int:pk>/", views.contrat_detail_view, name="contrat_detail"),
    path("contrats/<int:pk>/modifier/", views.contrat_edit_view, name="contrat_edit"),
    path("contrats/<int:pk>/rupture/", views.contrat_rupture_view, name="contrat_rupture"),
]
