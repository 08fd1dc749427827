"""URLs of the company side: visites (mounted under /visites/ by cpro/urls.py)."""

from django.urls import path

from . import views_visites as views

urlpatterns = [
    path("", views.visite_mes_apprenants_view, name="visite_mes_apprenants"),
    path("suivi/", views.visite_suivi_view, name="visite_suivi"),
    path("contrats/<int:pk>/", views.visite_contrat_view, name="visite_contrat"),
    path("<int:pk>/corriger/", views.visite_edit_view, name="visite_edit"),
]
