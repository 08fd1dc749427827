"""Documents, under /documents/: requests, progress, access-checked downloads."""

from django.urls import path

from . import views

urlpatterns = [
    path("mes-documents/", views.mes_documents, name="mes_documents"),
    path("classes/<int:pk>/", views.documents_classe, name="documents_classe"),
    path("apprenants/<int:pk>/", views.documents_apprenant, name="documents_apprenant"),
    path("lots/<int:pk>/", views.documents_lot, name="documents_lot"),
    path("lots/<int:pk>/<str:format>/", views.documents_lot_fichier, name="documents_lot_fichier"),
    path("<int:pk>/telecharger/", views.documents_telecharger, name="documents_telecharger"),
    path("<int:pk>/relancer/", views.documents_relancer, name="documents_relancer"),
]
