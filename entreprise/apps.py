from django.apps import AppConfig


class EntrepriseConfig(AppConfig):
    name = "entreprise"
    verbose_name = "Entreprise"
