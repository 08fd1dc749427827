from django.urls import path

from . import views_digest

urlpatterns = [
    path("desinscription/<str:token>/", views_digest.desinscription, name="digest_desinscription"),
]
