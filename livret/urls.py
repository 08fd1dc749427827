"""URLs of the livret de suivi (mounted under /livret/ by cpro/urls.py)."""

from django.urls import path

from . import views_classe
from . import views_livret as views

urlpatterns = [
    path("", views.livret_mien, name="livret_mien"),
    path("apprenants/<int:pk>/", views.livret_apprenant, name="livret_apprenant"),
    path("classes/<int:pk>/", views_classe.vue_classe_page, name="livret_classe"),
]
